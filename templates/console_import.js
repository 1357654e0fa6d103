// An import's page in the console (templates/console_import.mustache), followed live: polls the
// import's progress (GET /admin/imports/{id}/progress, the page's own view as JSON) and fills in
// the same fields the server rendered, until the import ends. Without JavaScript the page
// reloads itself instead. Served from /static/; the CSP allows no inline script.
(function () {
  'use strict';
  var pollMs = 500;
  var card = document.getElementById('import-progress-card');
  if (!card || card.getAttribute('data-finished') === 'true') return;
  var url = card.getAttribute('data-progress-url');

  function setField(name, text) {
    var elements = document.querySelectorAll('[data-field="' + name + '"]');
    for (var index = 0; index < elements.length; index++) elements[index].textContent = text;
  }

  function showReasons(reasons) {
    var list = document.getElementById('rejected-reasons');
    while (list.firstChild) list.removeChild(list.firstChild);
    reasons.forEach(function (entry) {
      var item = document.createElement('li');
      item.textContent = entry.reason + ': ' + entry.count;
      list.appendChild(item);
    });
  }

  function show(view) {
    var bar = document.getElementById('import-progress');
    bar.max = view.progress_max;
    bar.value = view.progress_value;
    bar.textContent = view.percent + '%';
    setField('percent', view.percent + '%');
    setField('state', view.state);
    setField('status_text', view.status_text);
    Object.keys(view.counts).forEach(function (name) { setField(name, view.counts[name]); });
    showReasons(view.rejected_by_reason);
    document.getElementById('import-results').hidden = !view.completed;
    document.getElementById('rejected-rows').hidden = !view.has_rejected;
    if (view.finished) {
      card.setAttribute('data-finished', 'true');
      var note = document.getElementById('updates-itself');
      if (note) note.hidden = true;
    }
  }

  function poll() {
    fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } })
      .then(function (response) {
        var type = response.headers.get('Content-Type') || '';
        // Signed out, or no longer allowed: the page itself, reloaded, says why.
        if (!response.ok || type.indexOf('application/json') !== 0) {
          window.location.reload();
          return null;
        }
        return response.json();
      })
      .then(function (view) {
        if (!view) return;
        show(view);
        if (!view.finished) window.setTimeout(poll, pollMs);
      })
      .catch(function () {
        // A network hiccup: try again a little later.
        window.setTimeout(poll, pollMs * 3);
      });
  }

  window.setTimeout(poll, pollMs);
})();
