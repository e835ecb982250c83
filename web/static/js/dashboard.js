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
      scales: {
        x: { time: false },
        // Counts: from zero, whole numbers only.
        y: { range: function (u, min, max) { return [0, Math.max(1, max)]; } },
      },
      series: series,
      axes: [
        {
          values: function (u, splits) {
            return splits.map(function (i) { return data.labels[i] || ''; });
          },
        },
        {
          incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000],
          values: function (u, splits) {
            return splits.map(function (v) { return String(Math.round(v)); });
          },
        },
      ],
    };
    var plot = new uPlot(opts, columns, el);
    legend(el, data.series);
    el.setAttribute('data-drawn', '1');
    window.addEventListener('resize', function () {
      plot.setSize({ width: width(), height: 300 });
    });
  }

  // A plain legend (uPlot's own is a table that would need headers for screen readers; the
  // chart is hidden from them anyway, the table below it holds the numbers).
  function legend(el, list) {
    var ul = document.createElement('ul');
    ul.className = 'list-inline small mt-2 dashboard-legend';
    list.forEach(function (s) {
      var li = document.createElement('li');
      li.className = 'list-inline-item me-3';
      var swatch = document.createElement('span');
      swatch.className = 'd-inline-block me-1 align-middle';
      swatch.style.width = '1.5em';
      swatch.style.height = '0';
      swatch.style.borderTop = '3px solid ' + (COLORS[s.key] || '#333333');
      li.appendChild(swatch);
      li.appendChild(document.createTextNode(s.label));
      ul.appendChild(li);
    });
    el.appendChild(ul);
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
