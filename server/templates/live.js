// The live category percents of a form being filled in. After each answer the form's fields
// are posted to the service's /live endpoint, which scores them with the same code as the
// report: the figures shown are the report's, never a second computation in the browser.
// Without JavaScript the form works the same, without the live figures.
(function () {
  'use strict';
  var form = document.querySelector('form[data-live]');
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) {
    return;
  }
  var url = form.getAttribute('data-live');
  var timer = null;
  var latest = 0;

  function show(id, prefix, figure) {
    var element = document.getElementById('live-' + id);
    if (element) {
      element.textContent = prefix + figure.percent + ', ' + figure.level;
      element.hidden = false;
    }
  }

  function update() {
    var mine = ++latest;
    fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(new FormData(form)).toString(),
      credentials: 'same-origin'
    })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (live) {
        // A slower answer to an older state of the form never overwrites a newer one.
        if (!live || mine !== latest) {
          return;
        }
        live.categories.forEach(function (category) { show(category.id, 'Score so far: ', category); });
        show('overall', 'Overall score so far: ', live.overall);
        form.setAttribute('data-live-shown', String(mine));
      })
      .catch(function () { /* the figures stay as they were; submitting still scores */ });
  }

  form.addEventListener('change', function (event) {
    if (event.target && event.target.type === 'radio') {
      clearTimeout(timer);
      timer = setTimeout(update, 120);
    }
  });
  update();
})();
