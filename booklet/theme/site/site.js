/* booklet score site: sorting, filtering and search. Every page reads without
   this script; it only adds controls. No network, no innerHTML from data. */
(function () {
  "use strict";

  function num(v) {
    if (v === null || v === "") return null;
    var n = parseFloat(v);
    return isNaN(n) ? null : n;
  }

  function cellValue(row, col) {
    var c = row.cells[col];
    if (!c) return "";
    var v = c.getAttribute("data-v");
    return v === null ? c.textContent.trim() : v;
  }

  /* ---------------------------------------------------- sorting */
  var collator = (typeof Intl !== "undefined" && Intl.Collator) ?
    new Intl.Collator("zh-CN", { numeric: true }) : null;

  function sortTable(table, col, type, dir) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (r, i) { if (!r.hasAttribute("data-i")) r.setAttribute("data-i", i); });
    var sign = dir === "ascending" ? 1 : -1;
    rows.sort(function (a, b) {
      var va = cellValue(a, col), vb = cellValue(b, col), d;
      if (type === "num") {
        var na = num(va), nb = num(vb);
        if (na === null && nb === null) d = 0;
        else if (na === null) return 1;          /* empty values always last */
        else if (nb === null) return -1;
        else d = na - nb;
      } else {
        d = collator ? collator.compare(va, vb) : (va < vb ? -1 : va > vb ? 1 : 0);
      }
      if (d === 0) return +a.getAttribute("data-i") - +b.getAttribute("data-i");
      return sign * d;
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(r); });
    body.appendChild(frag);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      if (i === col) th.setAttribute("aria-sort", dir);
      else th.removeAttribute("aria-sort");
    });
  }

  function makeSortable(table) {
    if (!table.tHead || !table.tBodies.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      var type = th.getAttribute("data-sort");
      if (!type) return;
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "sort";
      while (th.firstChild) btn.appendChild(th.firstChild);
      th.appendChild(btn);
      btn.setAttribute("title", "按此列排序");
      btn.addEventListener("click", function () {
        var cur = th.getAttribute("aria-sort");
        var first = th.getAttribute("data-sort-first") === "desc" ? "descending" : "ascending";
        var dir = cur ? (cur === "ascending" ? "descending" : "ascending") : first;
        sortTable(table, i, type, dir);
      });
    });
  }

  /* ---------------------------------------------------- filtering */
  var uid = 0;

  function makeFilterable(table) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var grades = [];
    rows.forEach(function (r) {
      var g = r.getAttribute("data-grade");
      if (g && grades.indexOf(g) < 0) grades.push(g);
    });
    uid += 1;
    var bar = document.createElement("div");
    bar.className = "toolbar";
    bar.setAttribute("role", "search");
    var region = table.closest ? table.closest(".table-scroll") : null;
    var name = region && region.getAttribute("aria-label");
    bar.setAttribute("aria-label", "筛选" + (name || ("排名表" + uid)));

    var lab = document.createElement("label");
    lab.textContent = "按单位名称筛选";
    var input = document.createElement("input");
    input.type = "search";
    input.id = "f-name-" + uid;
    input.className = "filter-name";
    input.placeholder = "如：新华";
    input.autocomplete = "off";
    lab.htmlFor = input.id;
    bar.appendChild(lab);
    bar.appendChild(input);

    var select = null;
    if (grades.length) {
      var lab2 = document.createElement("label");
      lab2.textContent = "等次";
      select = document.createElement("select");
      select.id = "f-grade-" + uid;
      select.className = "filter-grade";
      lab2.htmlFor = select.id;
      var all = document.createElement("option");
      all.value = "";
      all.textContent = "全部";
      select.appendChild(all);
      grades.forEach(function (g) {
        var o = document.createElement("option");
        o.value = g;
        o.textContent = g;
        select.appendChild(o);
      });
      bar.appendChild(lab2);
      bar.appendChild(select);
    }
    var out = document.createElement("output");
    out.className = "count";
    out.setAttribute("aria-live", "polite");
    bar.appendChild(out);

    function apply() {
      var q = input.value.trim().toLowerCase();
      var g = select ? select.value : "";
      var shown = 0;
      rows.forEach(function (r) {
        var name = (r.getAttribute("data-unit") || "").toLowerCase();
        var ok = (!q || name.indexOf(q) >= 0) && (!g || r.getAttribute("data-grade") === g);
        r.hidden = !ok;
        if (ok) shown += 1;
      });
      out.textContent = (q || g) ? "显示 " + shown + " / " + rows.length + " 个单位" : "";
    }
    input.addEventListener("input", apply);
    if (select) select.addEventListener("change", apply);
    var wrap = table.closest(".table-scroll") || table;
    wrap.parentNode.insertBefore(bar, wrap);
  }

  /* ---------------------------------------------------- unit search */
  function makeSearch(box) {
    var list = document.getElementById(box.getAttribute("data-search-for"));
    if (!list) return;
    var input = box.querySelector("input");
    var out = box.querySelector("output");
    var items = Array.prototype.slice.call(list.children);
    box.hidden = false;
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      var shown = 0;
      items.forEach(function (li) {
        var ok = !q || (li.getAttribute("data-name") || li.textContent).toLowerCase().indexOf(q) >= 0;
        li.hidden = !ok;
        if (ok) shown += 1;
      });
      out.textContent = q ? "找到 " + shown + " 个单位" : "";
    });
  }

  /* ---------------------------------------------------- printing */
  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) { return !d.open; });
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });

  /* ---------------------------------------------------- wide tables */
  /* A table wider than the screen scrolls inside its box; say so above it
     ("左右滑动查看更多列"), since a phone shows no scroll bar. */
  var wide = [];
  function hintFor(box) {
    var hint = box.previousElementSibling;
    if (hint && hint.className === "scroll-hint") return hint;
    hint = document.createElement("p");
    hint.className = "scroll-hint";
    hint.hidden = true;
    hint.textContent = "表格较宽，请左右滑动查看更多列 →";
    box.parentNode.insertBefore(hint, box);
    return hint;
  }
  function checkWide() {
    wide.forEach(function (box) {
      var over = box.offsetWidth > 0 && box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("overflows", over);
      hintFor(box).hidden = !over;
    });
  }

  /* a link to #anchor inside a closed <details> opens it */
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.tagName === "DETAILS") el.open = true;
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), makeSortable);
    Array.prototype.forEach.call(document.querySelectorAll("table[data-filterable]"), makeFilterable);
    Array.prototype.forEach.call(document.querySelectorAll("[data-search-for]"), makeSearch);
    openTarget();
    window.addEventListener("hashchange", openTarget);
    wide = Array.prototype.slice.call(document.querySelectorAll(".table-scroll"));
    checkWide();
    window.addEventListener("resize", checkWide);
    document.addEventListener("toggle", checkWide, true);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
