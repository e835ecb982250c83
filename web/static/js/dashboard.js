// Draws the "reports per day" chart of /backoffice/dashboard with uPlot. The numbers come
// from the chart element's data-chart attribute (the page's table holds the same numbers for
// everyone, with or without JavaScript); no inline script, no remote content.
(function () {
  'use strict';

  var COLORS = {
    phishing: '#0066cc',
    spam: '#8a6d00',
    csam: '#b3002d',
    fraud: '#5c2f91',
    malware: '#006b4f',
    other: '#4d4d4d',
  };

  function draw(el) {
    var data;
    try {
      data = JSON.parse(el.getAttribute('data-chart') || '');
    } catch (e) {
      return;
    }
    if (!data || !Array.isArray(data.labels) || !Array.isArray(data.series)) {
      return;
    }
    var xs = data.labels.map(function (_, i) { return i; });
    var columns = [xs];
    var series = [{}];
    data.series.forEach(function (s) {
      columns.push(s.values);
      series.push({
        label: s.label,
        stroke: COLORS[s.key] || '#333333',
        width: 2,
        points: { show: false },
      });
    });
    var width = function () { return Math.max(280, el.clientWidth || 600); };
    var opts = {
      width: width(),
      height: 300,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false } },
      series: series,
      axes: [
        {
          values: function (u, splits) {
            return splits.map(function (i) { return data.labels[i] || ''; });
          },
        },
        {},
      ],
    };
    var plot = new uPlot(opts, columns, el);
    el.setAttribute('data-drawn', '1');
    window.addEventListener('resize', function () {
      plot.setSize({ width: width(), height: 300 });
    });
  }

  function start() {
    if (typeof uPlot === 'undefined') {
      return;
    }
    var el = document.getElementById('daily-chart');
    if (el) {
      draw(el);
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
