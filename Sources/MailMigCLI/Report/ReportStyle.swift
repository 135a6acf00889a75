import MailMigCore
/// The inline style sheet of the HTML report: system fonts, print-friendly colours, no outside assets.
enum ReportStyle {
    static let css = """
        :root { --ink: #1d232b; --muted: #5d6773; --line: #d9dee4; --soft: #f4f6f8; --ok: #2f6f4f; --warn: #9a6210; --bad: #b3261e; --accent: #24507a; }
        * { box-sizing: border-box; }
        body { margin: 0; color: var(--ink); background: #ffffff; font: 14px/1.5 -apple-system, "Segoe UI", "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; }
        main { max-width: 1120px; margin: 0 auto; padding: 32px 40px 48px; }
        header.top { border-bottom: 3px solid var(--accent); padding-bottom: 14px; margin-bottom: 22px; }
        header.top .kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--accent); font-weight: 600; }
        h1 { font-size: 28px; margin: 4px 0 6px; font-weight: 650; }
        h2 { font-size: 18px; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
        .meta { color: var(--muted); font-size: 13px; }
        .meta code { font-size: 12px; }
        .cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; }
        .card { border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; background: var(--soft); }
        .card .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
        .card .name { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .05em; }
        .card.ok .value { color: var(--ok); } .card.warn .value { color: var(--warn); } .card.bad .value { color: var(--bad); }
        table { width: 100%; border-collapse: collapse; font-size: 13px; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: var(--soft); font-weight: 600; color: #38424d; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        td.wrap { word-break: break-word; }
        td.time { white-space: nowrap; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; border: 1px solid; white-space: nowrap; }
        .badge.migrated, .badge.passed { color: var(--ok); border-color: var(--ok); }
        .badge.migrated-with-skips, .badge.in-progress { color: var(--warn); border-color: var(--warn); }
        .badge.failed { color: var(--bad); border-color: var(--bad); }
        .badge.not-started, .badge.not-verified { color: var(--muted); border-color: var(--line); }
        .muted { color: var(--muted); }
        .chart { max-width: 100%; height: auto; display: block; margin: 8px 0 16px; }
        .chart .label { font-size: 12px; fill: var(--ink); }
        .chart .figure, .chart .legend, .chart .axis { font-size: 11px; fill: var(--muted); }
        .chart .track { fill: var(--soft); }
        .chart .grid { stroke: var(--line); stroke-width: 1; }
        ul.plain { padding-left: 18px; margin: 6px 0; }
        footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 10px; }
        @media print {
          main { padding: 0; max-width: none; }
          .card { background: #ffffff; }
          h2 { break-after: avoid; }
          tr, svg { break-inside: avoid; }
        }
        """
}
