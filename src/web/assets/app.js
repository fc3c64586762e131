/*
 * isms: optional enhancements of the web pages (docs/WEB.md). Every page works
 * the same without this file. The CSP allows no eval, inline handlers or
 * markup from strings: elements are built with createElement and textContent.
 */
(function () {
    'use strict';

    /* A box above table.records that hides the rows of this page not containing its text. */
    function quickFilter(table, n) {
        var body = table.tBodies[0];
        if (!body || !body.rows.length) return;
        var rows = Array.prototype.slice.call(body.rows);
        var id = 'quick-filter' + (n ? '-' + n : '');
        var box = document.createElement('div');
        box.className = 'quick-filter';
        var label = document.createElement('label');
        label.htmlFor = id;
        label.textContent = 'Filter this page';
        var input = document.createElement('input');
        input.type = 'search';
        input.id = id;
        input.autocomplete = 'off';
        input.spellcheck = false;
        var count = document.createElement('span');
        count.className = 'quick-count';
        count.setAttribute('aria-live', 'polite');
        box.appendChild(label);
        box.appendChild(input);
        box.appendChild(count);

        function update() {
            var q = input.value.trim().toLowerCase();
            var shown = 0;
            rows.forEach(function (row) {
                var hit = !q || row.textContent.toLowerCase().indexOf(q) !== -1;
                row.hidden = !hit;
                if (hit) shown++;
            });
            count.textContent = !q ? '' : shown === 0 ? 'No rows on this page match'
                : shown + ' of ' + rows.length + (rows.length === 1 ? ' row' : ' rows') + ' shown';
        }
        input.addEventListener('input', update);
        var anchor = table.closest('.table-wrap') || table;
        anchor.parentNode.insertBefore(box, anchor);
        if (input.value) update(); /* a value the browser restored */
    }

    /* Ask before a form.confirm is sent (delete). */
    function onSubmit(event) {
        var form = event.target;
        if (!form || !form.classList || !form.classList.contains('confirm')) return;
        var text = form.getAttribute('data-confirm') || 'Are you sure?';
        if (!window.confirm(text)) event.preventDefault();
    }

    function start() {
        var tables = document.querySelectorAll('table.records');
        for (var i = 0; i < tables.length; i++) quickFilter(tables[i], i);
        document.addEventListener('submit', onSubmit);
        var summary = document.querySelector('.error-summary');
        if (summary) {
            if (!summary.hasAttribute('tabindex')) summary.setAttribute('tabindex', '-1');
            summary.focus();
        }
    }

    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
}());
