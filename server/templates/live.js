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
  // One polite status region says what changed (the category answered), so a screen reader
  // hears one sentence per answer rather than every category's figure.
  var announcer = document.getElementById('live-announcer');
  var timer = null;
  var latest = 0;
  var changed = null;

  function figures() {
    return form.querySelectorAll('.live');
  }

  function show(id, prefix, figure) {
    var element = document.getElementById('live-' + id);
    if (element) {
      element.textContent = prefix + figure.percent + ', ' + figure.level;
      element.hidden = false;
    }
  }

  // Figures that no longer match the form are hidden rather than left looking current.
  function stale() {
    Array.prototype.forEach.call(figures(), function (element) { element.hidden = true; });
    if (announcer) {
      announcer.textContent = '';
    }
  }

  function announce(live) {
    if (!announcer || changed === null) {
      return;
    }
    live.categories.forEach(function (category) {
      if (category.id !== changed) {
        return;
      }
      var fieldset = document.getElementById('category-' + category.id);
      var legend = fieldset && fieldset.querySelector('legend');
      var title = legend ? legend.textContent : category.id;
      announcer.textContent = title + ': score so far ' + category.percent + ', ' + category.level;
    });
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
        if (mine !== latest) {
          return;
        }
        if (!live) {
          stale();
          return;
        }
        live.categories.forEach(function (category) { show(category.id, 'Score so far: ', category); });
        show('overall', 'Overall score so far: ', live.overall);
        announce(live);
        form.setAttribute('data-live-shown', String(mine));
      })
      .catch(function () {
        if (mine === latest) {
          stale();
        }
      });
  }

  form.addEventListener('change', function (event) {
    var target = event.target;
    if (target && target.type === 'radio') {
      var category = target.closest('fieldset.category');
      changed = category ? category.id.replace(/^category-/, '') : null;
      clearTimeout(timer);
      timer = setTimeout(update, 120);
    }
  });
  update();
})();
