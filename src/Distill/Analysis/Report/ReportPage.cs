namespace Distill.Analysis.Report;

/// <summary>The report's inline style sheet and script: system fonts only, nothing loaded from anywhere.</summary>
internal static class ReportPage
{
    public const string Css = """
        :root { --fg: #1d232a; --muted: #5b6570; --line: #d9dee3; --a: #c0504d; --b: #2e8b57; }
        * { box-sizing: border-box; }
        body { margin: 0 auto; max-width: 1280px; padding: 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #fbfcfd; }
        h1 { font-size: 22px; margin: 0 0 4px; word-break: break-all; }
        h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
        .digest, .hint { color: var(--muted); margin: 0 0 8px; font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
        .stats { display: flex; flex-wrap: wrap; gap: 12px; list-style: none; padding: 0; margin: 12px 0; }
        .stats li { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 120px; }
        .stats .value { display: block; font-size: 20px; font-weight: 600; }
        .stats .label { color: var(--muted); font-size: 12px; }
        .ratio { font-size: 16px; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        thead th { background: #f1f3f5; font-weight: 600; }
        .num { text-align: right; white-space: nowrap; }
        .mono { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
        .tag { background: #fde8e7; color: #8a1f1b; border-radius: 4px; padding: 1px 6px; font-size: 12px; white-space: nowrap; }
        .clean { color: var(--b); font-weight: 600; }
        svg { display: block; background: #fff; border: 1px solid var(--line); border-radius: 6px; }
        svg text { font: 11px system-ui, sans-serif; fill: #111; pointer-events: none; }
        .chart text { font-size: 13px; }
        .bar-a { fill: var(--a); } .bar-b { fill: var(--b); }
        .treemap rect:hover { stroke: #000; stroke-width: 1.5; }
        #package-filter { margin: 0 0 8px; padding: 4px 8px; width: 320px; }

        """;

    /// <summary>Shows the hovered box's path and size; filters the package table. Reads only what the page holds.</summary>
    public const string Script = """
        (function () {
          "use strict";
          var info = document.getElementById("treemap-info");
          var map = document.querySelector("svg.treemap");
          function show(event) {
            var box = event.target;
            if (!info || !box.getAttribute || !box.hasAttribute("data-path")) return;
            var bytes = Number(box.getAttribute("data-size"));
            info.textContent = box.getAttribute("data-path") + " \u2014 " + bytes.toLocaleString("en") + " bytes";
          }
          if (map) { map.addEventListener("mouseover", show); map.addEventListener("click", show); }
          var filter = document.getElementById("package-filter");
          var table = document.getElementById("package-table");
          if (filter && table) {
            filter.addEventListener("input", function () {
              var needle = filter.value.toLowerCase();
              Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
                row.style.display = row.textContent.toLowerCase().indexOf(needle) >= 0 ? "" : "none";
              });
            });
          }
        })();

        """;
}
