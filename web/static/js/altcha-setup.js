// ALTCHA widget under Segnala's CSP (script-src 'self', no inline styles, no blob: workers).
// Loads the widget's "external" build, which carries no inline CSS nor embedded workers
// (its stylesheet is /static/vendor/altcha/external/altcha.css), adds the Italian strings
// (English is built in; the language follows <html lang>), and registers the SHA-256
// proof-of-work worker as a same-origin script file. Include once, as a module:
//   <script type="module" src="/static/js/altcha-setup.js"></script>
// Our server issues the classic challenge format (src/app/altcha.hpp), which this widget
// solves with its legacy "SHA-256" path.
import '../vendor/altcha/external/altcha.js';
import '../vendor/altcha/i18n/it.js';

const shaWorker = new URL('../vendor/altcha/workers/sha.js', import.meta.url);
globalThis.$altcha.algorithms.set('SHA-256', () => new Worker(shaWorker));
