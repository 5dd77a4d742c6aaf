/*
 * The sweep report page: reads the sweep's rows from #report-data (written by HtmlReport), draws
 * each section with ECharts, and records its own health in #report-status: the script errors seen
 * and, per chart, whether it rendered. Loading the page with #selftest also redraws every chart
 * under each choice of its controls before recording.
 */
(function () {
  'use strict';

  var health = { state: 'drawing', errors: [], charts: {}, tooltips: {} };
  window.addEventListener('error', function (e) {
    health.errors.push(String(e.message || e.error || e));
  });
  window.addEventListener('unhandledrejection', function (e) {
    health.errors.push('unhandled rejection: ' + String(e.reason));
  });

  var data = JSON.parse(document.getElementById('report-data').textContent);
  var main = document.getElementById('report');
  var nav = document.getElementById('report-nav');
  var charts = {};
  var selftests = [];
  var MAX_LINES = 200; // individual curves drawn at most; more runs are drawn as an even sample
  var PAGE = 100; // rows per page of a table
  var palette = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452',
    '#9a60b4', '#ea7ccc', '#2f4554', '#c23531', '#61a0a8'];

  // ---- small helpers ----

  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'class') node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) {
      if (arguments[i] != null) node.appendChild(arguments[i]);
    }
    return node;
  }

  function fmt(v) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') {
      if (Number.isInteger(v)) return String(v);
      return String(Number(v.toPrecision(4)));
    }
    if (Array.isArray(v)) return '[' + v.map(fmt).join(', ') + ']';
    return String(v);
  }

  function duration(ms) {
    var s = Math.round(ms / 1000);
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  function col(table, name) { return table ? table.columns.indexOf(name) : -1; }

  function distinct(values) {
    var seen = new Map();
    values.forEach(function (v) { if (!seen.has(v)) seen.set(v, true); });
    var out = Array.from(seen.keys());
    return out.sort(function (a, b) {
      return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
    });
  }

  function positiveSpan(values) {
    var pos = values.filter(function (v) { return typeof v === 'number' && v > 0; });
    if (pos.length === 0) return 0;
    return Math.max.apply(null, pos) / Math.min.apply(null, pos);
  }

  function guarded(name, fn) {
    try { fn(); } catch (e) { health.errors.push(name + ': ' + (e && e.stack ? e.stack : e)); }
  }

  function section(id, title, intro) {
    var s = el('section', { id: id }, el('h2', { text: title }));
    if (intro) s.appendChild(el('p', { class: 'note', text: intro }));
    main.appendChild(s);
    nav.appendChild(el('a', { href: '#' + id, text: title }));
    return s;
  }

  function select(label, options, value, onChange) {
    var s = el('select');
    options.forEach(function (o) {
      var opt = el('option', { value: o.value, text: o.label });
      if (o.value === value) opt.selected = true;
      s.appendChild(opt);
    });
    s.addEventListener('change', function () { onChange(s.value); });
    return { node: el('label', { text: label + ' ' }, s), select: s };
  }

  function checkbox(label, checked, onChange) {
    var c = el('input', { type: 'checkbox' });
    c.checked = checked;
    c.addEventListener('change', function () { onChange(c.checked); });
    return el('label', {}, c, document.createTextNode(' ' + label));
  }

  function chart(parent, id, height) {
    var div = el('div', { class: 'chart', id: id });
    if (height) div.style.height = height + 'px';
    parent.appendChild(div);
    var c = echarts.init(div, null, { renderer: 'canvas' });
    charts[id] = c;
    return c;
  }

  function axisType(log) {
    return log ? { type: 'log', min: 'dataMin', max: 'dataMax' } : { type: 'value', scale: true };
  }

  function baseOption(title, xName, yName, logX, logY) {
    return {
      animation: false,
      title: { text: title, left: 'center', textStyle: { fontSize: 13 } },
      grid: { left: 70, right: 30, top: 40, bottom: 70 },
      legend: { type: 'scroll', bottom: 0 },
      tooltip: { trigger: 'item', confine: true },
      xAxis: Object.assign({ name: xName, nameLocation: 'middle', nameGap: 25 }, axisType(logX)),
      yAxis: Object.assign({ name: yName, nameLocation: 'middle', nameGap: 50 }, axisType(logY)),
      series: []
    };
  }

  /** A table of rows under `columns` with a page of PAGE rows, sortable by a click on a header. */
  function pagedTable(parent, columns, rows, options) {
    options = options || {};
    var state = { sort: -1, desc: false, page: 0, filter: '' };
    var holder = el('div');
    var info = el('span');
    var prev = el('button', { text: '‹ previous' });
    var next = el('button', { text: 'next ›' });
    var filter = el('input', { type: 'search', placeholder: 'filter rows', size: '24' });
    var bar = el('div', { class: 'pager' }, filter, prev, next, info);
    if (rows.length > 10) parent.appendChild(bar); // a short table needs neither filter nor pages
    parent.appendChild(el('div', { class: 'scroll' }, holder));
    prev.addEventListener('click', function () { state.page--; draw(); });
    next.addEventListener('click', function () { state.page++; draw(); });
    filter.addEventListener('input', function () { state.filter = filter.value.toLowerCase(); state.page = 0; draw(); });

    function compare(a, b) {
      if (a === b) return 0;
      if (a === null || a === undefined) return 1;
      if (b === null || b === undefined) return -1;
      if (typeof a === 'number' && typeof b === 'number') return a - b;
      return String(a).localeCompare(String(b));
    }

    function draw() {
      var shown = rows;
      if (state.filter) {
        shown = rows.filter(function (r) {
          return r.some(function (v) { return fmt(v).toLowerCase().indexOf(state.filter) >= 0; });
        });
      }
      if (state.sort >= 0) {
        var i = state.sort;
        shown = shown.slice().sort(function (a, b) {
          var c = compare(a[i], b[i]);
          return state.desc && a[i] != null && b[i] != null ? -c : c;
        });
      }
      var pages = Math.max(1, Math.ceil(shown.length / PAGE));
      state.page = Math.min(Math.max(0, state.page), pages - 1);
      prev.disabled = state.page === 0;
      next.disabled = state.page >= pages - 1;
      info.textContent = shown.length + ' rows, page ' + (state.page + 1) + ' of ' + pages;
      var head = el('tr');
      columns.forEach(function (c, i) {
        var th = el('th', { class: 'sortable', text: c, title: 'sort by ' + c });
        if (i === state.sort) th.className += state.desc ? ' sorted-desc' : ' sorted-asc';
        th.addEventListener('click', function () {
          state.desc = state.sort === i ? !state.desc : false;
          state.sort = i;
          draw();
        });
        head.appendChild(th);
      });
      var body = el('tbody');
      shown.slice(state.page * PAGE, (state.page + 1) * PAGE).forEach(function (r) {
        var tr = el('tr');
        if (options.statusColumn >= 0) tr.className = 'status-' + r[options.statusColumn];
        r.forEach(function (v) {
          tr.appendChild(el('td', { class: typeof v === 'number' ? '' : 'text', text: fmt(v), title: fmt(v) }));
        });
        body.appendChild(tr);
      });
      holder.replaceChildren(el('table', { class: options.id ? options.id : '' }, el('thead', {}, head), body));
    }
    draw();
    return { draw: draw, state: state };
  }

  /** A plain table's columns without array ones (those are drawn in the charts). */
  function scalarTable(parent, t, drop) {
    var keep = t.columns.map(function (c, i) { return i; }).filter(function (i) {
      var c = t.columns[i];
      return (drop || []).indexOf(c) < 0 && c !== 'sweep' && !t.rows.some(function (r) { return Array.isArray(r[i]); });
    });
    pagedTable(parent, keep.map(function (i) { return t.columns[i]; }),
      t.rows.map(function (r) { return keep.map(function (i) { return r[i]; }); }));
  }

  // ---- the runs: columns, values per run ----

  var runs = data.runs;
  var runCol = {};
  runs.columns.forEach(function (c, i) { runCol[c] = i; });
  function runValue(r, name) { return runCol[name] === undefined ? null : r[runCol[name]]; }
  var axes = data.axes.filter(function (a) { return runCol[a] !== undefined; });
  var metricsOfRuns = ['final_test_error', 'final_test_loss', 'final_train_error', 'final_train_loss',
    'best_val_loss', 'test_loss_at_best', 'test_error_at_best', 'wall_ms', 'params']
    .filter(function (m) {
      return runCol[m] !== undefined && runs.rows.some(function (r) { return typeof r[runCol[m]] === 'number'; });
    });

  function runConfig(r) {
    var lines = ['<b>run ' + esc(runValue(r, 'run_id')) + '</b> (' + esc(runValue(r, 'status')) + ')'];
    axes.concat(['repeat', 'seed']).forEach(function (a) {
      if (runCol[a] !== undefined) lines.push(esc(a) + ' = ' + esc(fmt(runValue(r, a))));
    });
    var reason = runValue(r, 'reason');
    if (reason) lines.push('reason: ' + esc(String(reason).slice(0, 200)));
    return lines.join('<br>');
  }

  // ---- sections ----

  function summarySection() {
    var s = section('summary', 'Summary');
    var counts = {};
    runs.rows.forEach(function (r) { var st = runValue(r, 'status'); counts[st] = (counts[st] || 0) + 1; });
    var cards = el('div', { class: 'cards' }, el('div', { class: 'card' }, el('b', { text: String(runs.rows.length) }), document.createTextNode('runs')));
    ['ok', 'diverged', 'failed', 'timeout'].concat(Object.keys(counts)).filter(function (st, i, all) {
      return all.indexOf(st) === i;
    }).forEach(function (st) {
      cards.appendChild(el('div', { class: 'card ' + st }, el('b', { text: String(counts[st] || 0) }), document.createTextNode(st)));
    });
    var wall = runs.rows.reduce(function (n, r) { var w = runValue(r, 'wall_ms'); return n + (typeof w === 'number' ? w : 0); }, 0);
    if (wall > 0) cards.appendChild(el('div', { class: 'card' }, el('b', { text: duration(wall) }), document.createTextNode('training, summed over runs')));
    s.appendChild(cards);
    s.appendChild(el('p', { class: 'note', text: 'Swept keys: ' + (axes.length ? axes.join(', ') : 'none') + '. Page written ' + data.generated + '.' }));
    s.appendChild(el('h3', { text: 'Per configuration: mean over seeds of the final errors and losses (_sd: standard deviation)' }));
    scalarTable(s, data.summary);
    if (data.executions && data.executions.rows.length) {
      s.appendChild(el('h3', { text: 'Executions (the sweeps table): timings and counts' }));
      scalarTable(s, data.executions, ['spec']);
    }
    var prov = ['sweeplab_version', 'implementation', 'device', 'trained_by', 'nd4j_backend', 'java_version', 'os', 'arch', 'cpu_model', 'native_libraries', 'host', 'spark_app_id']
      .filter(function (c) { return runCol[c] !== undefined; });
    if (prov.length) {
      var details = el('details', {}, el('summary', { text: 'Provenance: the values the runs recorded, with their counts' }));
      s.appendChild(details);
      var rows = [];
      prov.forEach(function (c) {
        var n = {};
        runs.rows.forEach(function (r) { var v = fmt(runValue(r, c)); n[v] = (n[v] || 0) + 1; });
        rows.push([c, Object.keys(n).map(function (v) { return (v || '(none)') + ' × ' + n[v]; }).join('; ')]);
      });
      pagedTable(details, ['column', 'values'], rows);
    }
    if (data.spec) {
      var spec = data.spec;
      try { spec = JSON.stringify(JSON.parse(spec), null, 2); } catch (e) { /* shown as recorded */ }
      s.appendChild(el('details', {}, el('summary', { text: 'Spec (resolved, as recorded)' }), el('pre', { text: spec })));
    }
  }

  function curvesSection() {
    var cv = data.curves;
    if (!cv || cv.metrics.length === 0 || !cv.runs.some(function (c) { return c; })) return;
    var s = section('curves', 'Learning curves',
      'Per run, the curves table at each evaluated step. ' +
      (cv.downsampled ? 'Curves are downsampled to at most ' + cv.maxPoints + ' points each (first, last and evenly spaced between). ' : '') +
      'Individual runs: at most ' + MAX_LINES + ' curves, an even sample when more runs match; hover a line for its run. ' +
      'Mean per group: the mean over the matching runs at each step.');
    var st = {
      metric: cv.metrics.indexOf('test_error') >= 0 ? 'test_error' : cv.metrics[cv.metrics.length - 1],
      group: axes.length ? axes[0] : '',
      mode: runs.rows.length <= 60 ? 'runs' : 'mean',
      logX: true, logY: false, filters: {}
    };
    var controls = el('div', { class: 'controls' });
    s.appendChild(controls);
    var metricSel = select('metric', cv.metrics.map(function (m) { return { value: m, label: m }; }), st.metric, function (v) { st.metric = v; draw(); });
    var groupSel = select('colour by', [{ value: '', label: '(none)' }].concat(axes.concat(['status']).map(function (a) { return { value: a, label: a }; })), st.group, function (v) { st.group = v; draw(); });
    var modeSel = select('show', [{ value: 'mean', label: 'mean per group' }, { value: 'runs', label: 'individual runs' }], st.mode, function (v) { st.mode = v; draw(); });
    [metricSel, groupSel, modeSel].forEach(function (x) { controls.appendChild(x.node); });
    controls.appendChild(checkbox('log step', st.logX, function (v) { st.logX = v; draw(); }));
    controls.appendChild(checkbox('log y', st.logY, function (v) { st.logY = v; draw(); }));
    var filters = el('div', { class: 'controls' });
    s.appendChild(filters);
    axes.concat(['status']).forEach(function (a) {
      var values = distinct(runs.rows.map(function (r) { return runValue(r, a); }));
      var f = select(a, [{ value: '*', label: 'all' }].concat(values.map(function (v) { return { value: fmt(v), label: fmt(v) }; })), '*', function (v) {
        st.filters[a] = v; draw();
      });
      filters.appendChild(f.node);
    });
    var note = el('p', { class: 'note' });
    s.appendChild(note);
    var c = chart(s, 'chart-curves', 440);

    function matching() {
      var out = [];
      runs.rows.forEach(function (r, i) {
        if (!cv.runs[i]) return;
        for (var a in st.filters) {
          if (st.filters[a] !== '*' && fmt(runValue(r, a)) !== st.filters[a]) return;
        }
        out.push(i);
      });
      return out;
    }

    function points(i, m) {
      var curve = cv.runs[i];
      var ys = curve[1 + cv.metrics.indexOf(m)];
      var out = [];
      curve[0].forEach(function (x, k) {
        if (ys[k] !== null && (!st.logX || x > 0) && (!st.logY || ys[k] > 0)) out.push([x, ys[k]]);
      });
      return out;
    }

    function draw() {
      var idx = matching();
      var groups = st.group ? distinct(idx.map(function (i) { return runValue(runs.rows[i], st.group); })).map(fmt) : ['all runs'];
      function groupOf(i) { return st.group ? st.group + '=' + fmt(runValue(runs.rows[i], st.group)) : 'all runs'; }
      function colour(i) {
        var g = st.group ? fmt(runValue(runs.rows[i], st.group)) : 'all runs';
        return palette[groups.indexOf(g) % palette.length];
      }
      var opt = baseOption(st.metric + ' along training', 'step', st.metric, st.logX, st.logY);
      if (st.mode === 'runs') {
        var sample = idx;
        if (idx.length > MAX_LINES) {
          sample = [];
          for (var k = 0; k < MAX_LINES; k++) sample.push(idx[Math.floor(k * idx.length / MAX_LINES)]);
        }
        opt.series = sample.map(function (i) {
          // Named by group: the legend shows a group once and toggles all its runs.
          return {
            type: 'line', name: groupOf(i), data: points(i, st.metric),
            showSymbol: sample.length <= 40, symbolSize: 4, triggerLineEvent: true,
            lineStyle: { width: 1.2, opacity: 0.7 }, itemStyle: { color: colour(i) },
            emphasis: { focus: 'series', lineStyle: { width: 3 } }, runIndex: i
          };
        });
        opt.legend.data = groups.map(function (g) { return st.group ? st.group + '=' + g : g; });
        opt.tooltip.formatter = function (p) {
          var i = opt.series[p.seriesIndex].runIndex;
          var v = Array.isArray(p.value) ? '<br>step ' + fmt(p.value[0]) + ': ' + esc(st.metric) + ' = ' + fmt(p.value[1]) : '';
          return runConfig(runs.rows[i]) + v;
        };
        note.textContent = 'Showing ' + sample.length + ' of ' + idx.length + ' matching runs.';
      } else {
        opt.series = groups.map(function (g, n) {
          var sum = new Map();
          var members = idx.filter(function (i) { return (st.group ? fmt(runValue(runs.rows[i], st.group)) : 'all runs') === g; });
          members.forEach(function (i) {
            points(i, st.metric).forEach(function (p) {
              var acc = sum.get(p[0]) || [0, 0];
              acc[0] += p[1]; acc[1] += 1;
              sum.set(p[0], acc);
            });
          });
          var pts = Array.from(sum.keys()).sort(function (a, b) { return a - b; })
            .map(function (x) { var acc = sum.get(x); return [x, acc[0] / acc[1], acc[1]]; });
          return {
            type: 'line', name: (st.group ? st.group + '=' : '') + g + ' (' + members.length + ' runs)', data: pts,
            showSymbol: pts.length <= 40, symbolSize: 5, triggerLineEvent: true,
            itemStyle: { color: palette[n % palette.length] }, emphasis: { focus: 'series' }
          };
        });
        opt.tooltip.formatter = function (p) {
          var v = Array.isArray(p.value) ? '<br>step ' + fmt(p.value[0]) + ': mean ' + esc(st.metric) + ' = ' + fmt(p.value[1]) + ' over ' + p.value[2] + ' runs' : '';
          return esc(p.seriesName) + v;
        };
        note.textContent = idx.length + ' matching runs in ' + groups.length + ' group(s).';
      }
      c.setOption(opt, true);
    }
    draw();
    selftests.push(function () {
      ['runs', 'mean'].forEach(function (mode) {
        groupSel.select.querySelectorAll('option').forEach(function (o) {
          st.mode = mode; st.group = o.value; st.logY = mode === 'runs'; draw();
        });
      });
      cv.metrics.forEach(function (m) { st.metric = m; draw(); });
      // The tooltip of a run's point: one value of each swept key leaves few runs, drawn with symbols.
      var first = runs.rows[matching()[0]];
      axes.forEach(function (a) { st.filters[a] = fmt(runValue(first, a)); });
      st.mode = 'runs'; st.group = groupSel.select.value; draw();
      health.tooltips['chart-curves'] = tooltipOf(c, 0, 0);
      st.filters = {};
      st.metric = metricSel.select.value; st.group = groupSel.select.value; st.mode = modeSel.select.value; st.logY = false;
      draw();
    });
  }

  function parallelSection() {
    if (metricsOfRuns.length === 0) return;
    var s = section('parallel', 'Swept keys against a metric',
      'Parallel coordinates: one line per run with a value of the metric, coloured by it. Drag along an axis to select a range.');
    var dims = axes.length ? axes.slice() : ['repeat'];
    var st = { metric: metricsOfRuns[0] };
    var controls = el('div', { class: 'controls' });
    s.appendChild(controls);
    var metricSel = select('metric', metricsOfRuns.map(function (m) { return { value: m, label: m }; }), st.metric, function (v) { st.metric = v; draw(); });
    controls.appendChild(metricSel.node);
    var c = chart(s, 'chart-parallel', 420);

    function draw() {
      var rows = runs.rows.filter(function (r) { return typeof runValue(r, st.metric) === 'number'; });
      // A swept key is a grid of values: a category axis spaces them evenly, in value order.
      var parallelAxis = dims.map(function (d, i) {
        var values = distinct(rows.map(function (r) { return runValue(r, d); }));
        return { dim: i, name: d, type: 'category', data: values.map(fmt) };
      });
      var metricValues = rows.map(function (r) { return runValue(r, st.metric); });
      var metricAxis = { dim: dims.length, name: st.metric, scale: true, nameTextStyle: { fontWeight: 'bold' } };
      if (positiveSpan(metricValues) >= 100 && metricValues.every(function (v) { return v > 0; })) metricAxis.type = 'log';
      parallelAxis.push(metricAxis);
      var lo = metricValues.length ? Math.min.apply(null, metricValues) : 0;
      var hi = metricValues.length ? Math.max.apply(null, metricValues) : 1;
      c.setOption({
        animation: false,
        title: { text: st.metric + ' against the swept keys (' + rows.length + ' runs)', left: 'center', textStyle: { fontSize: 13 } },
        parallel: { left: 70, right: 180, top: 60, bottom: 40 },
        parallelAxis: parallelAxis,
        visualMap: { type: 'continuous', dimension: dims.length, min: lo, max: hi === lo ? lo + 1 : hi, right: 20, top: 'middle', calculable: true, precision: 3, inRange: { color: ['#313695', '#4575b4', '#74add1', '#fdae61', '#f46d43', '#a50026'] } },
        tooltip: { trigger: 'item', confine: true },
        series: [{
          type: 'parallel', lineStyle: { width: 1, opacity: rows.length > 1000 ? 0.15 : 0.5 },
          progressive: 0, smooth: false,
          data: rows.map(function (r) {
            return dims.map(function (d) { return fmt(runValue(r, d)); }).concat([runValue(r, st.metric)]);
          })
        }]
      }, true);
    }
    draw();
    selftests.push(function () {
      metricsOfRuns.forEach(function (m) { st.metric = m; draw(); });
      st.metric = metricSel.select.value; draw();
    });
  }

  function runsSection() {
    var s = section('runs', 'Runs', 'One row per run; click a column to sort, type to filter; ' + PAGE + ' rows per page.');
    var columns = ['run_id', 'status'].concat(axes, ['repeat'], metricsOfRuns, ['steps_done', 'epochs_done', 'interpolation_step', 'reason'])
      .filter(function (c, i, all) { return runCol[c] !== undefined && all.indexOf(c) === i; });
    pagedTable(s, columns, runs.rows.map(function (r) { return columns.map(function (c) { return runValue(r, c); }); }),
      { statusColumn: columns.indexOf('status'), id: 'runs-table' });
  }

  // ---- analyses ----

  function doubleDescentSection(t) {
    var s = section('double_descent', 'Double descent',
      'Mean over seeds of each metric along the axis, one line per group; the detected peak and the interpolation threshold (the smallest interpolated x) are marked (double_descent table).');
    var metrics = distinct(t.rows.map(function (r) { return r[col(t, 'metric')]; }));
    metrics.forEach(function (metric, n) {
      var rows = t.rows.filter(function (r) { return r[col(t, 'metric')] === metric; });
      var xs = [].concat.apply([], rows.map(function (r) { return r[col(t, 'x')] || []; }));
      var logX = positiveSpan(xs) >= 8;
      var axis = rows.length ? rows[0][col(t, 'axis')] : 'x';
      var opt = baseOption(metric + ' along ' + axis, axis, metric + ' (mean over seeds)', logX, false);
      opt.series = rows.map(function (r, g) {
        var x = r[col(t, 'x')] || [], y = r[col(t, 'value')] || [], sd = r[col(t, 'value_sd')] || [];
        var marks = [];
        var peak = r[col(t, 'peak_x')];
        if (r[col(t, 'detected')] === true && typeof peak === 'number') marks.push({ xAxis: peak, name: 'peak', lineStyle: { type: 'solid', width: 2 } });
        var threshold = r[col(t, 'interpolation_threshold')];
        if (typeof threshold === 'number') marks.push({ xAxis: threshold, name: 'interpolation threshold', lineStyle: { type: 'dashed' } });
        return {
          type: 'line', name: r[col(t, 'group')] || 'all', triggerLineEvent: true,
          data: x.map(function (xv, k) { return [xv, y[k], sd[k]]; }).filter(function (p) { return (!logX || p[0] > 0) && p[1] !== null; }),
          itemStyle: { color: palette[g % palette.length] },
          markLine: { symbol: 'none', label: { formatter: '{b}: {c}', fontSize: 10 }, data: marks }
        };
      });
      opt.tooltip.formatter = function (p) {
        if (p.componentType === 'markLine') return esc(p.seriesName) + ': ' + esc(p.name) + ' at ' + fmt(p.value);
        return esc(p.seriesName) + '<br>' + esc(axis) + ' ' + fmt(p.value[0]) + ': ' + fmt(p.value[1]) + ' ± ' + fmt(p.value[2]);
      };
      chart(s, 'chart-double-descent-' + n).setOption(opt);
    });
    s.appendChild(el('h3', { text: 'Detection' }));
    scalarTable(s, t);
  }

  function scalingSection(t) {
    var s = section('scaling_fits', 'Scaling laws',
      'Measured points and the fitted E + A·x^−α per group on log–log axes (scaling_fits table, form power_law); the table gives each parameter\u2019s 95 % bootstrap interval (the table holds no band for the curve itself).');
    var rows = t.rows.filter(function (r) { return r[col(t, 'form')] === 'power_law'; });
    if (rows.length) {
      var x = rows[0][col(t, 'x')], y = rows[0][col(t, 'y')];
      var opt = baseOption(y + ' against ' + x, x, y, true, true);
      rows.forEach(function (r, g) {
        var xs = r[col(t, 'xs')] || [], ys = r[col(t, 'ys')] || [];
        var E = r[col(t, 'E')], A = r[col(t, 'A')], alpha = r[col(t, 'alpha')];
        var colour = palette[g % palette.length];
        var name = r[col(t, 'group')] || 'all';
        opt.series.push({ type: 'scatter', name: name + ' (measured)', symbolSize: 6, itemStyle: { color: colour },
          data: xs.map(function (xv, k) { return [xv, ys[k]]; }).filter(function (p) { return p[0] > 0 && p[1] > 0; }) });
        var pos = xs.filter(function (v) { return v > 0; });
        if (pos.length && [E, A, alpha].every(function (v) { return typeof v === 'number'; })) {
          var lo = Math.log(Math.min.apply(null, pos)), hi = Math.log(Math.max.apply(null, pos));
          var fit = [];
          for (var k = 0; k <= 60; k++) { var xv = Math.exp(lo + (hi - lo) * k / 60); fit.push([xv, E + A * Math.pow(xv, -alpha)]); }
          opt.series.push({ type: 'line', name: name + ' fit: ' + fmt(E) + ' + ' + fmt(A) + ' x^-' + fmt(alpha), showSymbol: false,
            triggerLineEvent: true, itemStyle: { color: colour }, lineStyle: { type: 'dashed' }, data: fit.filter(function (p) { return p[1] > 0; }) });
        }
      });
      opt.tooltip.formatter = function (p) { return esc(p.seriesName) + '<br>' + fmt(p.value[0]) + ', ' + fmt(p.value[1]); };
      chart(s, 'chart-scaling').setOption(opt);
    }
    s.appendChild(el('h3', { text: 'Fits' }));
    scalarTable(s, t);
  }

  function widthExponentsSection(t) {
    var s = section('width_exponents', 'Exponents in width',
      'Per layer, the geometric mean over seeds of each quantity against width on log–log axes; the slope is the exponent (width_exponents table, with its 95 % bootstrap interval).');
    var quantities = distinct(t.rows.map(function (r) { return r[col(t, 'quantity')]; }));
    var st = { quantity: quantities[0] };
    var sel = select('quantity', quantities.map(function (q) { return { value: q, label: q }; }), st.quantity, function (v) { st.quantity = v; draw(); });
    s.appendChild(el('div', { class: 'controls' }, sel.node));
    var c = chart(s, 'chart-width-exponents');
    function draw() {
      var opt = baseOption(st.quantity + ' against width', 'width', st.quantity, true, true);
      opt.series = t.rows.filter(function (r) { return r[col(t, 'quantity')] === st.quantity; }).map(function (r, g) {
        var xs = r[col(t, 'xs')] || [], ys = r[col(t, 'ys')] || [];
        var name = ['group', 'parameterization', 'optimizer'].map(function (k) { return r[col(t, k)]; }).filter(function (v) { return v; }).join(' ') +
          ' layer ' + r[col(t, 'layer')] + ' (' + r[col(t, 'layer_kind')] + '): ' + fmt(r[col(t, 'exponent')]);
        return { type: 'line', name: name, triggerLineEvent: true, itemStyle: { color: palette[g % palette.length] },
          data: xs.map(function (x, k) { return [x, ys[k]]; }).filter(function (p) { return p[0] > 0 && p[1] > 0; }) };
      });
      opt.tooltip.formatter = function (p) { return esc(p.seriesName) + '<br>width ' + fmt(p.value[0]) + ': ' + fmt(p.value[1]); };
      c.setOption(opt, true);
    }
    draw();
    selftests.push(function () { quantities.forEach(function (q) { st.quantity = q; draw(); }); st.quantity = sel.select.value; draw(); });
    s.appendChild(el('h3', { text: 'Exponents' }));
    scalarTable(s, t);
  }

  function lrTransferSection(t) {
    var s = section('lr_transfer', 'Learning-rate transfer',
      'Per group and parameterization, the mean best validation loss against the learning rate, one line per width; the optimum of each width is marked (lr_transfer table).');
    var keyOf = function (r) { return [r[col(t, 'group')], r[col(t, 'parameterization')]].filter(function (v) { return v; }).join(' ') || 'all'; };
    var keys = distinct(t.rows.map(keyOf));
    keys.forEach(function (key, n) {
      var rows = t.rows.filter(function (r) { return keyOf(r) === key; });
      var opt = baseOption(key + ': best validation loss against learning rate', 'learning rate', 'mean best_val_loss', true, false);
      opt.series = rows.map(function (r, g) {
        var lr = r[col(t, 'learning_rates')] || [], loss = r[col(t, 'mean_losses')] || [];
        var best = r[col(t, 'optimal_lr')];
        return {
          type: 'line', name: 'width ' + r[col(t, 'width')], triggerLineEvent: true, itemStyle: { color: palette[g % palette.length] },
          data: lr.map(function (x, k) { return [x, loss[k]]; }).filter(function (p) { return p[0] > 0 && p[1] !== null; }),
          markPoint: typeof best === 'number' ? { symbol: 'pin', symbolSize: 30, data: [{ name: 'optimum', coord: [best, r[col(t, 'optimal_loss')]] }] } : undefined
        };
      });
      opt.tooltip.formatter = function (p) { return esc(p.seriesName) + '<br>lr ' + fmt(p.value[0]) + ': ' + fmt(p.value[1]); };
      chart(s, 'chart-lr-transfer-' + n).setOption(opt);
    });
    s.appendChild(el('h3', { text: 'Optima' }));
    scalarTable(s, t, ['learning_rates', 'mean_losses', 'seeds', 'diverged']);
  }

  function coordCheckSection(t) {
    var s = section('coord_check', 'Coordinate check',
      'Mean |h_t| of a layer\u2019s output (over seeds) against width on log–log axes, one line per step: flat lines across widths are what Tensor Programs V asks of a parameterization (coord_check table).');
    var fixed = ['sweep', 'width', 'step', 'layer', 'mean_abs_activation', 'mean_abs_change', 'seeds', 'trained_by'];
    var others = t.columns.filter(function (c) { return fixed.indexOf(c) < 0; });
    var configOf = function (r) { return others.map(function (c) { return c + '=' + fmt(r[col(t, c)]); }).join(', ') || 'all'; };
    var configs = distinct(t.rows.map(configOf));
    var layers = distinct(t.rows.map(function (r) { return r[col(t, 'layer')]; }));
    var st = { config: configs[0], layer: layers[0], quantity: 'mean_abs_activation' };
    var controls = el('div', { class: 'controls' });
    s.appendChild(controls);
    var cs = select('configuration', configs.map(function (v) { return { value: v, label: v }; }), st.config, function (v) { st.config = v; draw(); });
    var ls = select('layer', layers.map(function (v) { return { value: String(v), label: String(v) }; }), String(st.layer), function (v) { st.layer = Number(v); draw(); });
    var qs = select('quantity', ['mean_abs_activation', 'mean_abs_change'].filter(function (q) { return col(t, q) >= 0; }).map(function (q) { return { value: q, label: q }; }), st.quantity, function (v) { st.quantity = v; draw(); });
    [cs, ls, qs].forEach(function (x) { controls.appendChild(x.node); });
    var c = chart(s, 'chart-coord-check');
    function draw() {
      var rows = t.rows.filter(function (r) { return configOf(r) === st.config && r[col(t, 'layer')] === st.layer; });
      var steps = distinct(rows.map(function (r) { return r[col(t, 'step')]; }));
      var opt = baseOption('layer ' + st.layer + ': ' + st.quantity + ' against width', 'width', st.quantity, true, true);
      opt.series = steps.map(function (step, g) {
        var pts = rows.filter(function (r) { return r[col(t, 'step')] === step; })
          .map(function (r) { return [r[col(t, 'width')], r[col(t, st.quantity)]]; })
          .filter(function (p) { return p[0] > 0 && typeof p[1] === 'number' && p[1] > 0; })
          .sort(function (a, b) { return a[0] - b[0]; });
        return { type: 'line', name: 'step ' + step, data: pts, triggerLineEvent: true, itemStyle: { color: palette[g % palette.length] } };
      });
      opt.tooltip.formatter = function (p) { return esc(p.seriesName) + '<br>width ' + fmt(p.value[0]) + ': ' + fmt(p.value[1]); };
      c.setOption(opt, true);
    }
    draw();
    selftests.push(function () {
      configs.forEach(function (cfg) { layers.forEach(function (l) { st.config = cfg; st.layer = l; draw(); }); });
      st.config = cs.select.value; st.layer = Number(ls.select.value); draw();
    });
  }

  var analysisSections = {
    double_descent: doubleDescentSection,
    scaling_fits: scalingSection,
    width_exponents: widthExponentsSection,
    lr_transfer: lrTransferSection,
    coord_check: coordCheckSection
  };

  // ---- health ----

  /** The text of the tooltip a chart shows for one data point, as a hover would show it. */
  function tooltipOf(c, seriesIndex, dataIndex) {
    c.dispatchAction({ type: 'showTip', seriesIndex: seriesIndex, dataIndex: dataIndex });
    var divs = c.getDom().querySelectorAll(':scope > div');
    var text = divs.length > 1 ? divs[divs.length - 1].textContent : '';
    c.dispatchAction({ type: 'hideTip' });
    return text;
  }

  function chartHealth(c) {
    var canvas = c.getDom().querySelector('canvas');
    var option = c.getOption();
    var points = (option.series || []).reduce(function (n, s) { return n + (Array.isArray(s.data) ? s.data.length : 0); }, 0);
    var painted = false;
    if (canvas && canvas.width > 0 && canvas.height > 0) {
      var px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (var i = 3; i < px.length; i += 4) { if (px[i] !== 0) { painted = true; break; } }
    }
    return {
      rendered: !!canvas && canvas.width > 0 && canvas.height > 0 && points > 0 && painted,
      width: canvas ? canvas.width : 0, height: canvas ? canvas.height : 0,
      series: (option.series || []).length, points: points, painted: painted
    };
  }

  function record() {
    if (location.hash === '#selftest') {
      selftests.forEach(function (t, i) { guarded('selftest ' + i, t); });
      health.selftests = selftests.length;
    }
    Object.keys(charts).forEach(function (id) {
      guarded('health of ' + id, function () { health.charts[id] = chartHealth(charts[id]); });
    });
    health.sections = Array.prototype.map.call(main.querySelectorAll('section'), function (x) { return x.id; });
    health.runs = runs.rows.length;
    health.state = 'done';
    document.getElementById('report-status').textContent = JSON.stringify(health, null, 1);
  }

  guarded('summary', summarySection);
  guarded('curves', curvesSection);
  Object.keys(data.analyses).forEach(function (name) {
    var t = data.analyses[name];
    if (!t || t.rows.length === 0) return;
    guarded(name, function () {
      if (analysisSections[name]) analysisSections[name](t);
      else { var s = section(name, name); scalarTable(s, t); }
    });
  });
  guarded('parallel', parallelSection);
  guarded('runs', runsSection);
  window.addEventListener('resize', function () { Object.keys(charts).forEach(function (id) { charts[id].resize(); }); });
  // ECharts paints on the next animation frame: record after it.
  requestAnimationFrame(function () { setTimeout(record, 200); });
})();
