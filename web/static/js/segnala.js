// Segnala: progressive enhancement only. Every page works without this file; it adds
// conveniences where the browser can do them. Loaded with <script src defer>, never inline
// (our Content-Security-Policy forbids inline scripts).
//
// Copy buttons: markup such as
//   <span id="receipt-code" class="segnala-code">K7QM-4XPR-9DHT-W2FBE</span>
//   <button type="button" class="btn btn-outline-primary segnala-copy" hidden
//           data-copy-target="receipt-code" data-copied-text="Copiato">Copia il codice</button>
//   <span class="visually-hidden" role="status" aria-live="polite" data-copy-status></span>
// The button stays hidden unless the Clipboard API is available.
(function () {
  'use strict';

  function announce(button, message) {
    var container = button.parentElement;
    var status = container && container.querySelector('[data-copy-status]');
    if (!status) {
      status = document.querySelector('[data-copy-status]');
    }
    if (status) {
      status.textContent = '';
      // A new text node in a cleared live region is announced again on repeated copies.
      window.setTimeout(function () {
        status.textContent = message;
      }, 50);
    }
  }

  function initCopyButtons() {
    if (!navigator.clipboard || !window.isSecureContext) {
      return;
    }
    var buttons = document.querySelectorAll('button.segnala-copy[data-copy-target]');
    Array.prototype.forEach.call(buttons, function (button) {
      var target = document.getElementById(button.getAttribute('data-copy-target'));
      if (!target) {
        return;
      }
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener('click', function () {
        var text = (target.value !== undefined ? target.value : target.textContent).trim();
        navigator.clipboard.writeText(text).then(
          function () {
            var done = button.getAttribute('data-copied-text') || 'Copiato';
            button.textContent = done;
            announce(button, done);
            window.setTimeout(function () {
              button.textContent = label;
            }, 2000);
          },
          function () {
            // Leave the text selectable; the user can still copy it by hand.
            var range = document.createRange();
            range.selectNodeContents(target);
            var selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
          }
        );
      });
    });
  }

  // Forms with data-confirm="message" ask before submitting (e.g. irreversible operator actions).
  function initConfirmForms() {
    var forms = document.querySelectorAll('form[data-confirm]');
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener('submit', function (event) {
        if (!window.confirm(form.getAttribute('data-confirm'))) {
          event.preventDefault();
        }
      });
    });
  }

  // Reporting form: the CSAM category accepts no files, so the upload is hidden and disabled
  // (a disabled input is not submitted) while that category is chosen. Without this script
  // the server refuses files sent with that category, with a field error.
  function initCsamUpload() {
    var form = document.querySelector('form.segnala-report-form');
    var upload = document.getElementById('upload-group');
    var input = document.getElementById('attachments');
    if (!form || !upload || !input) {
      return;
    }
    function update() {
      var csam = form.querySelector('input[name="category"][value="csam"]:checked') !== null;
      if (csam) {
        input.value = '';
      }
      input.disabled = csam;
      upload.hidden = csam;
    }
    var radios = form.querySelectorAll('input[name="category"]');
    Array.prototype.forEach.call(radios, function (radio) {
      radio.addEventListener('change', update);
    });
    update();
  }

  // After a refused submission the error summary takes the focus, so that screen readers and
  // keyboards start from the list of problems (each a link to its field).
  function focusErrorSummary() {
    var summary = document.getElementById('error-summary');
    if (summary) {
      summary.focus();
    }
  }

  function init() {
    initCopyButtons();
    initConfirmForms();
    initCsamUpload();
    focusErrorSummary();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
