//! `BENCHMARKS.md` from the JSON reports the benchmarks leave in `target/bench/`
//! (`target/bench/quick/` for `--quick`): machine and versions, the targets of the
//! issues with the measured figure and a verdict, the method, then one section a
//! benchmark naming the command, commit, build and load of the run it came from.
//!
//! A verdict is given only for a release build at the size the target names; a
//! quick run or a dev build is reported as "not judged". The part of the file
//! below [`HAND_WRITTEN`] (the profiles) is written by people and kept as it is.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::Value;

use crate::bench::STEPS;
use crate::project_root;

/// The line after which `BENCHMARKS.md` is written by hand and kept on rewrite.
pub const HAND_WRITTEN: &str =
    "<!-- Below this line the file is written by hand; `cargo xtask bench` keeps it. -->";

/// Writes the report; returns where.
pub fn write(quick: bool, out: &Option<PathBuf>) -> anyhow::Result<PathBuf> {
    let canonical = project_root().join("BENCHMARKS.md");
    let out = out.clone().unwrap_or_else(|| {
        if quick {
            crate::bench::report_path("BENCHMARKS", true).with_extension("md")
        } else {
            canonical.clone()
        }
    });
    let reports: Vec<(&str, Option<Value>)> = STEPS
        .iter()
        .map(|(name, _)| {
            let path = crate::bench::report_path(name, quick);
            let report = std::fs::read(&path).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok());
            (*name, report)
        })
        .collect();
    let kept = std::fs::read_to_string(&canonical)
        .ok()
        .and_then(|text| text.split_once(HAND_WRITTEN).map(|(_, kept)| kept.to_owned()))
        .unwrap_or_else(|| "\n\n## Profiles\n\nNone recorded yet.\n".to_owned());
    let text = render(quick, &reports, &kept);
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&out, text)?;
    Ok(out)
}

fn render(quick: bool, reports: &[(&str, Option<Value>)], kept: &str) -> String {
    let report = |name: &str| find(reports, name);
    let mut out = String::new();
    let _ = writeln!(out, "# Benchmarks\n");
    let _ = writeln!(
        out,
        "Written by `cargo xtask bench` from the JSON reports the benchmarks leave in `target/bench/`; each \
         section names the command and the run its figures come from. To measure again on your machine:\n\n\
         ```sh\ncargo run --release -p xtask -- bench                 # everything, at the sizes the issues name\n\
         cargo run --release -p xtask -- bench storage --docs 1000000 --db postgres://…/empty   # one benchmark\n\
         cargo xtask bench report                               # this file again, from the last reports\n```\n\n\
         `--quick` runs each benchmark at a small size in under a minute and writes its report to \
         `target/bench/quick/BENCHMARKS.md`; CI runs it as a smoke test."
    );
    if quick {
        let _ = writeln!(
            out,
            "\n**This is a quick run**: every benchmark at its small size, so no figure is judged against its target.\n"
        );
    }

    machine(&mut out, reports);
    targets(&mut out, reports);
    method(&mut out);
    for (name, what) in STEPS {
        let _ = writeln!(out, "\n## {}\n", title(name, what));
        match report(name) {
            None => {
                let _ = writeln!(
                    out,
                    "No report: run `cargo xtask {}`{}.",
                    command_of(name),
                    if quick { " --quick" } else { "" }
                );
            }
            Some(value) => {
                provenance(&mut out, value);
                match name {
                    "eval" => eval_section(&mut out, value),
                    "extract" => extract_section(&mut out, value),
                    "eval-entities" => entities_eval_section(&mut out, value),
                    "entities" => entities_cost_section(&mut out, value),
                    "storage" => storage_section(&mut out, value),
                    "import" => import_section(&mut out, value),
                    "web" => web_section(&mut out, value),
                    _ => {}
                }
            }
        }
    }
    let _ = write!(out, "\n{HAND_WRITTEN}{kept}");
    out
}

fn title(name: &str, what: &str) -> String {
    let mut what = what.to_owned();
    if let Some(first) = what.get(..1) {
        what.replace_range(..1, &first.to_uppercase());
    }
    format!("{what} (`{}`)", command_of(name))
}

fn command_of(name: &str) -> &str {
    match name {
        "eval" => "eval",
        "eval-entities" => "eval entities",
        "extract" => "bench extract",
        "entities" => "bench entities",
        "storage" => "bench storage",
        "import" => "bench import",
        "web" => "bench web",
        other => other,
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the reports

fn find<'a>(reports: &'a [(&str, Option<Value>)], name: &str) -> Option<&'a Value> {
    reports.iter().find(|(step, _)| *step == name).and_then(|(_, report)| report.as_ref())
}

/// The elements of the array at `key`, none when it is absent.
fn items<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    value.get(key).and_then(Value::as_array).into_iter().flatten()
}

fn number(value: &Value, path: &[&str]) -> Option<f64> {
    path.iter().try_fold(value, |value, key| value.get(key))?.as_f64()
}

fn text<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(value, |value, key| value.get(key))?.as_str()
}

fn command(value: &Value) -> &str {
    text(value, &["run", "command"]).unwrap_or("")
}

fn release(value: &Value) -> bool {
    text(value, &["run", "profile"]) == Some("release")
}

/// Whether a report was measured at the size its targets name.
fn full_size(name: &str, value: &Value) -> bool {
    let command = command(value);
    let flag = |flag: &str| command.split_whitespace().any(|word| word == flag);
    match name {
        "eval" | "extract" => !flag("--quick") && !flag("--limit"),
        // The same annotated sets at every size.
        "eval-entities" => true,
        "entities" => !flag("--quick"),
        "storage" => number(value, &["documents"]).is_some_and(|documents| documents >= 1_000_000.0),
        "import" => {
            number(value, &["lines", "items"]).is_some_and(|lines| lines >= 1_000_000.0)
                && number(value, &["files", "items"]).is_some_and(|files| files >= 200_000.0)
        }
        "web" => number(value, &["documents"]).is_some_and(|documents| documents >= 100_000.0),
        _ => false,
    }
}

/// "met", "**not met**", or why the figure is not judged.
fn verdict(name: &str, value: &Value, met: bool) -> &'static str {
    judged(value, full_size(name, value), met)
}

/// As [`verdict`], for a figure whose report says whether it is at its target's size.
fn judged(value: &Value, full_size: bool, met: bool) -> &'static str {
    if value.get("run").is_none() {
        "not judged (run not recorded)"
    } else if !release(value) {
        "not judged (dev build)"
    } else if !full_size {
        "not judged (smaller run)"
    } else if met {
        "met"
    } else {
        "**not met**"
    }
}

fn provenance(out: &mut String, value: &Value) {
    if value.get("run").is_none() {
        let _ = writeln!(out, "The report does not record its run (command, commit, build): run it again.\n");
        return;
    }
    let run = |key: &str| text(value, &["run", key]).unwrap_or("not recorded");
    // Where the report was written says nothing about the figures.
    let mut words = command(value).split_whitespace();
    let mut shown = Vec::new();
    while let Some(word) = words.next() {
        if word == "--report" {
            words.next();
        } else {
            shown.push(word);
        }
    }
    let _ = writeln!(
        out,
        "`{}` — {} build, commit {}, finished {}, load average at the end {}.\n",
        shown.join(" "),
        run("profile"),
        run("commit"),
        run("finished"),
        run("load_average"),
    );
}

fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.abs());
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if value < 0.0 { format!("-{grouped}") } else { grouped }
}

/// Milliseconds as a person writes them: one decimal under 100, grouped digits above.
fn ms(value: f64) -> String {
    if value.abs() >= 100.0 { thousands(value) } else { format!("{value:.1}") }
}

/// A Markdown table's header row and the rule under it.
fn table_header(out: &mut String, columns: &[&str]) {
    let cells: Vec<String> = columns
        .iter()
        .map(|column| if column.is_empty() { " ".to_owned() } else { format!(" {column} ") })
        .collect();
    let _ = writeln!(out, "|{}|\n|{}", cells.join("|"), " --- |".repeat(columns.len()));
}

fn optional(value: Option<f64>, format: impl Fn(f64) -> String) -> String {
    value.map_or_else(|| "—".to_owned(), format)
}

fn spread(value: &Value, path: &[&str], format: impl Fn(f64) -> String) -> String {
    let at = |key: &str| {
        let mut path = path.to_vec();
        path.push(key);
        number(value, &path)
    };
    match (at("median"), at("min"), at("max")) {
        (Some(median), Some(min), Some(max)) => {
            format!("{} ({}–{})", format(median), format(min), format(max))
        }
        (Some(median), ..) => format(median),
        _ => optional(number(value, path), format),
    }
}

// ---------------------------------------------------------------------------------------------
// Machine, targets, method

fn machine(out: &mut String, reports: &[(&str, Option<Value>)]) {
    let Some(first) =
        reports.iter().find_map(|(_, report)| report.as_ref().filter(|report| report.get("run").is_some()))
    else {
        return;
    };
    let machine =
        |key: &str| first.get("run").and_then(|run| run.get("machine")).and_then(|machine| machine.get(key));
    let _ = writeln!(out, "\n## Machine and versions\n");
    table_header(out, &["", ""]);
    let _ =
        writeln!(out, "| processor | {} |", machine("cpu").and_then(Value::as_str).unwrap_or("not recorded"));
    let _ = writeln!(
        out,
        "| cores | {} |",
        machine("cores").and_then(Value::as_u64).map_or("?".to_owned(), |n| n.to_string())
    );
    let _ = writeln!(
        out,
        "| memory | {} |",
        machine("memory_gib").and_then(Value::as_f64).map_or("?".to_owned(), |gib| format!("{gib:.1} GiB"))
    );
    let _ = writeln!(
        out,
        "| system | {}, Linux {} |",
        machine("system").and_then(Value::as_str).unwrap_or("?"),
        machine("kernel").and_then(Value::as_str).unwrap_or("?")
    );
    let _ = writeln!(out, "| Rust | {} |", text(first, &["run", "rustc"]).unwrap_or("not recorded"));
    let storage = find(reports, "storage");
    if let Some(version) = storage.and_then(|report| text(report, &["sqlite_version"])) {
        let _ = writeln!(out, "| SQLite | {version} (bundled with the binary) |");
    }
    if let Some(version) = storage.and_then(|report| text(report, &["postgres", "server_version"])) {
        let _ = writeln!(out, "| PostgreSQL | {version}, on the same machine |");
    }
    if let Some(extract) = find(reports, "extract") {
        let peers: Vec<String> = items(extract, "rows")
            .skip(1)
            .filter_map(|row| Some(format!("{} {}", text(row, &["extractor"])?, text(row, &["version"])?)))
            .collect();
        if !peers.is_empty() {
            let _ = writeln!(out, "| peers | {} |", peers.join(", "));
        }
    }
    let machines: Vec<&Value> =
        reports.iter().filter_map(|(_, report)| report.as_ref()?.get("run")?.get("machine")).collect();
    if machines.windows(2).any(|pair| pair[0] != pair[1]) {
        let _ = writeln!(
            out,
            "\nThe reports below come from more than one machine: compare only within a section."
        );
    }
}

struct Target {
    issue: &'static str,
    figure: String,
    target: String,
    measured: String,
    verdict: &'static str,
}

fn targets(out: &mut String, reports: &[(&str, Option<Value>)]) {
    let report = |name: &str| find(reports, name);
    let mut rows: Vec<Target> = Vec::new();
    let mut add = |issue, figure: &str, target: &str, measured: String, verdict| {
        rows.push(Target { issue, figure: figure.to_owned(), target: target.to_owned(), measured, verdict });
    };
    const EXTRACTION: &str = "[HTML extraction] #4";
    if let Some(eval) = report("eval") {
        let best = crate::eval::TRAFILATURA_ANCHORS.iter().map(|anchor| anchor.3).fold(0.0, f64::max);
        if let Some(f1) = number(eval, &["trafilatura_eval", "f1"]) {
            add(
                EXTRACTION,
                "trafilatura-eval F1",
                &format!("≥ {best:.3} (best anchor)"),
                format!("{f1:.3}"),
                verdict("eval", eval, f1 >= best),
            );
        }
        if let Some(f1) = number(eval, &["readability_pages", "body_f1"]) {
            add(
                EXTRACTION,
                "readability-pages body F1",
                "≥ 0.98",
                format!("{f1:.3}"),
                verdict("eval", eval, f1 >= 0.98),
            );
        }
        for field in ["title", "byline", "lang"] {
            if let Some(rate) = number(eval, &["readability_pages", "fields_normalised", field, "rate"]) {
                add(
                    EXTRACTION,
                    &format!("readability-pages {field} agreement"),
                    "≥ 95 %",
                    format!("{:.1} %", rate * 100.0),
                    verdict("eval", eval, rate >= 0.95),
                );
            }
        }
        if let Some(median) = number(eval, &["trafilatura_eval", "timing", "median_ms"]) {
            add(
                EXTRACTION,
                "median extraction a page",
                "≤ 3 ms",
                format!("{median:.2} ms"),
                verdict("eval", eval, median <= 3.0),
            );
        }
    }
    if let Some(extract) = report("extract") {
        let trafilatura = items(extract, "ratios")
            .find(|ratio| text(ratio, &["peer"]).is_some_and(|peer| peer.starts_with("trafilatura")));
        let target = number(extract, &["ratio_target"]).unwrap_or(crate::bench_extract::RATIO_TARGET);
        match trafilatura {
            Some(ratio) => {
                let median = number(ratio, &["ratio", "median"]).unwrap_or(f64::NAN);
                add(
                    EXTRACTION,
                    "MB/s against trafilatura, same pages, same run",
                    &format!("≥ {target:.0}×"),
                    spread(ratio, &["ratio"], |ratio| format!("{ratio:.1}×")),
                    verdict("extract", extract, median >= target),
                );
            }
            None => add(
                EXTRACTION,
                "MB/s against trafilatura",
                &format!("≥ {target:.0}×"),
                "trafilatura not measured".to_owned(),
                "not judged",
            ),
        }
    }
    const STORAGE: &str = "[storage] #5";
    if let Some(storage) = report("storage") {
        let documents = number(storage, &["documents"]).unwrap_or(f64::NAN);
        if let Some(rate) = number(storage, &["import", "documents_per_second"]) {
            add(
                STORAGE,
                "import, documents/s end to end",
                "≥ 5,000/s at 1,000,000",
                thousands(rate),
                verdict("storage", storage, rate >= 5000.0),
            );
        }
        for row in items(storage, "search") {
            let (Some(class), Some(p99), Some(matches)) =
                (text(row, &["class"]), number(row, &["p99_ms"]), number(row, &["median_matches"]))
            else {
                continue;
            };
            // The issue's two bounds: under 1 % of the documents, and the most common terms.
            let limit = if matches < documents * 0.01 { 50.0 } else { 200.0 };
            add(
                STORAGE,
                &format!("search p99, {class} (median {} matches)", thousands(matches)),
                &format!("< {limit:.0} ms"),
                format!("{p99:.1} ms"),
                verdict("storage", storage, p99 < limit),
            );
        }
        if let Some(ratio) = number(storage, &["database_to_raw_text"]) {
            add(
                STORAGE,
                "database size against the raw text",
                "≤ 2×",
                format!("{ratio:.2}×"),
                verdict("storage", storage, ratio <= 2.0),
            );
        }
        if let (Some(precision), Some(recall)) = (
            number(storage, &["story_clusters", "precision"]),
            number(storage, &["story_clusters", "recall"]),
        ) {
            add(
                STORAGE,
                "story clusters, precision / recall",
                "≥ 0.95 / ≥ 0.90",
                format!("{precision:.3} / {recall:.3}"),
                // The story set is the same whatever the number of documents.
                judged(storage, true, precision >= 0.95 && recall >= 0.90),
            );
        }
    }
    if let Some(import) = report("import") {
        for (key, what) in [("lines", "NDJSON lines"), ("files", "files")] {
            if let Some(mib) = number(import, &[key, "peak_resident_mib"]) {
                let megabytes = mib * 1.048_576;
                let items = optional(number(import, &[key, "items"]), thousands);
                add(
                    "[importers] #6",
                    &format!("peak resident memory, {items} {what}"),
                    "< 300 MB",
                    format!("{megabytes:.0} MB"),
                    verdict("import", import, megabytes < 300.0),
                );
            }
        }
    }
    const READER: &str = "[reader] #7";
    if let Some(web) = report("web") {
        if let Some(reader) = web.get("targets").and_then(|targets| targets.get("reader")) {
            let (share, p99) = (number(reader, &["share_of_hello_world"]), number(reader, &["p99_ms"]));
            add(
                READER,
                "reading view: share of hello-world's requests/s, p99",
                "≥ 25 %, < 10 ms",
                format!(
                    "{}, {}",
                    optional(share, |share| format!("{:.1} %", share * 100.0)),
                    optional(p99, |p99| format!("{p99:.2} ms"))
                ),
                verdict("web", web, reader.get("met").and_then(Value::as_bool).unwrap_or(false)),
            );
        }
        if let Some(search) = web.get("targets").and_then(|targets| targets.get("search")) {
            add(
                READER,
                "search page p99",
                "< 50 ms",
                optional(number(search, &["p99_ms"]), |p99| format!("{p99:.1} ms")),
                verdict("web", web, search.get("met").and_then(Value::as_bool).unwrap_or(false)),
            );
        }
    }
    const STORY: &str = "[story] #8";
    if let Some(eval) = report("eval-entities") {
        for set in items(eval, "sets") {
            let name = text(set, &["set"]).unwrap_or("?");
            for (key, figure) in [
                ("person_f1", "persons F1"),
                ("organization_f1", "organisations F1"),
                ("quote_speaker_accuracy", "quote-speaker accuracy"),
                ("dates_f1", "dates F1"),
            ] {
                let Some(target) = set
                    .get("totals")
                    .and_then(|totals| totals.get("targets"))
                    .and_then(|targets| targets.get(key))
                else {
                    continue;
                };
                let (Some(value), Some(bound)) = (number(target, &["value"]), number(target, &["target"]))
                else {
                    continue;
                };
                add(
                    STORY,
                    &format!("{figure}, {name}"),
                    &format!("≥ {bound:.2}"),
                    format!("{value:.3}"),
                    verdict("eval-entities", eval, value >= bound),
                );
            }
        }
    }
    if let Some(cost) = report("entities")
        && let Some(added) = number(cost, &["added_fraction", "median"])
    {
        let target = number(cost, &["target"]).unwrap_or(0.30);
        add(
            STORY,
            "entities and dates added to plain-text parsing",
            &format!("≤ {:.0} %", target * 100.0),
            format!("{:.0} %", added * 100.0),
            verdict("entities", cost, added <= target),
        );
    }

    let _ = writeln!(out, "\n## Targets\n");
    table_header(out, &["issue", "figure", "target", "measured", "verdict"]);
    for row in &rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            row.issue, row.figure, row.target, row.measured, row.verdict
        );
    }
    let missed = rows.iter().filter(|row| row.verdict == "**not met**").count();
    let judged = rows.iter().filter(|row| !row.verdict.starts_with("not judged")).count();
    let _ = writeln!(out, "\n{} of {judged} judged figures meet their target.", judged - missed);
}

fn method(out: &mut String) {
    let _ = writeln!(
        out,
        "\n## Method\n\n\
         - The machine is shared and noisy, so no figure stands alone: each is a median (of pages, queries, \
         requests or rounds) given with its spread, and speed is compared with a peer measured in the same run on \
         the same machine — Python extractors on the same pages, plain SQLite inserts and bare FTS5 on the same \
         file, a bare axum handler beside the reader.\n\
         - Rounds interleave: extraction times Dossier and each peer in turn, round after round; the web benchmark \
         measures every page in each round. A burst of load then falls on one round of each side, and the \
         spread (minimum–maximum of the rounds) shows it.\n\
         - Figures worth quoting come from a release build (`cargo run --release -p xtask -- bench …`); \
         `cargo xtask bench` builds xtask in the dev profile, whose own code is not optimised, and its figures \
         are marked \"not judged\".\n\
         - Peers are installed by the benchmark itself, pinned: trafilatura 2.3.1, readability-lxml 0.9 and \
         resiliparse 2.0.1 with pip into `target/bench-extract/venv`; a peer that cannot be installed is \
         skipped with the reason. The web benchmark's load generator is part of xtask (closed-loop keep-alive \
         HTTP/1.1 clients on one thread), so it needs no package, keeps every request's latency and checks every \
         status."
    );
}

// ---------------------------------------------------------------------------------------------
// Sections

fn eval_section(out: &mut String, value: &Value) {
    if let Some(scores) = value.get("trafilatura_eval") {
        let _ = writeln!(
            out,
            "trafilatura-eval ({} pages): precision {}, recall {}, **F1 {}**; median {} a page, {} MB/s, one thread.\n",
            optional(number(scores, &["timing", "pages"]), thousands),
            optional(number(scores, &["precision"]), |v| format!("{v:.3}")),
            optional(number(scores, &["recall"]), |v| format!("{v:.3}")),
            optional(number(scores, &["f1"]), |v| format!("{v:.3}")),
            optional(number(scores, &["timing", "median_ms"]), |v| format!("{v:.2} ms")),
            optional(number(scores, &["timing", "megabytes_per_second"]), |v| format!("{v:.1}")),
        );
        table_header(out, &["extractor (corpus README anchors)", "precision", "recall", "F1", "ms a page"]);
        let _ = writeln!(
            out,
            "| **Dossier (this run)** | {} | {} | {} | {} |",
            optional(number(scores, &["precision"]), |v| format!("{v:.3}")),
            optional(number(scores, &["recall"]), |v| format!("{v:.3}")),
            optional(number(scores, &["f1"]), |v| format!("{v:.3}")),
            optional(number(scores, &["timing", "median_ms"]), |v| format!("{v:.1}")),
        );
        for (name, precision, recall, f1, ms) in crate::eval::TRAFILATURA_ANCHORS {
            let _ = writeln!(out, "| {name} | {precision:.3} | {recall:.3} | {f1:.3} | {ms:.1} |");
        }
    }
    if let Some(scores) = value.get("readability_pages") {
        let _ = writeln!(
            out,
            "\nreadability-pages ({} pages): body F1 **{}** (anchors: {}).\n",
            optional(number(scores, &["pages"]), thousands),
            optional(number(scores, &["body_f1"]), |v| format!("{v:.3}")),
            crate::eval::READABILITY_ANCHORS
                .iter()
                .map(|(name, f1)| format!("{name} {f1:.3}"))
                .collect::<Vec<_>>()
                .join(", "),
        );
        table_header(out, &["field", "agree", "pages with a reference", "agreement"]);
        if let Some(fields) = scores.get("fields_normalised").and_then(Value::as_object) {
            for (field, agreement) in fields {
                let _ = writeln!(
                    out,
                    "| {field} | {} | {} | {} |",
                    optional(number(agreement, &["agree"]), thousands),
                    optional(number(agreement, &["total"]), thousands),
                    optional(number(agreement, &["rate"]), |rate| format!("{:.1} %", rate * 100.0)),
                );
            }
        }
    }
}

fn extract_section(out: &mut String, value: &Value) {
    let _ = writeln!(
        out,
        "{} pages of trafilatura-eval ({} MB), one thread, {} rounds; MB/s is the median of the rounds (minimum–maximum).\n",
        optional(number(value, &["pages"]), thousands),
        optional(number(value, &["bytes"]), |bytes| format!("{:.1}", bytes / 1e6)),
        optional(number(value, &["rounds"]), thousands),
    );
    table_header(out, &["extractor", "version", "ms a page (median)", "mean", "p95", "MB/s"]);
    for row in items(value, "rows") {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            text(row, &["extractor"]).unwrap_or("?"),
            text(row, &["version"]).unwrap_or("?"),
            optional(number(row, &["median_ms"]), |v| format!("{v:.2}")),
            optional(number(row, &["mean_ms"]), |v| format!("{v:.2}")),
            optional(number(row, &["p95_ms"]), |v| format!("{v:.2}")),
            spread(row, &["megabytes_per_second"], |v| format!("{v:.1}")),
        );
    }
    for ratio in items(value, "ratios") {
        let _ = writeln!(
            out,
            "\nDossier against {}: {} the MB/s, round by round.",
            text(ratio, &["peer"]).unwrap_or("?"),
            spread(ratio, &["ratio"], |v| format!("{v:.1}×")),
        );
    }
    for skipped in items(value, "skipped") {
        let _ = writeln!(
            out,
            "\nNot measured: {} — {}.",
            text(skipped, &["extractor"]).unwrap_or("?"),
            text(skipped, &["reason"]).unwrap_or("?"),
        );
    }
}

fn entities_eval_section(out: &mut String, value: &Value) {
    let _ = writeln!(
        out,
        "Micro-averaged over each annotated set; `tests/entities/` is the set the rules were written against, \
         `tests/entities-heldout/` one they never saw (`docs/entity-annotation.md`).\n"
    );
    table_header(
        out,
        &["set", "articles", "persons F1", "organisations F1", "places F1", "dates F1", "quote speakers"],
    );
    for set in items(value, "sets") {
        let f1 = |kind: &str| optional(number(set, &["totals", kind, "f1"]), |v| format!("{v:.3}"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            text(set, &["set"]).unwrap_or("?"),
            optional(number(set, &["articles"]), thousands),
            f1("person"),
            f1("organization"),
            f1("place"),
            f1("dates"),
            optional(number(set, &["totals", "quote_speakers", "accuracy"]), |v| format!("{v:.3}")),
        );
    }
}

fn entities_cost_section(out: &mut String, value: &Value) {
    let percent = |v: f64| format!("{:.0} %", v * 100.0);
    let _ = writeln!(
        out,
        "{} texts in the style of the seed, {} rounds: parsing with entities and dates {} µs a text, without them \
         {} µs; added: median {} (quartiles {}–{}). The stage timed alone takes {} µs, {} of parsing less it; \
         each of its parts alone: entities {} µs, speaker links {} µs, dated events {} µs.",
        optional(number(value, &["texts"]), thousands),
        optional(number(value, &["rounds"]), thousands),
        optional(number(value, &["parse_us_per_text"]), |v| format!("{v:.0}")),
        optional(number(value, &["baseline_us_per_text"]), |v| format!("{v:.0}")),
        optional(number(value, &["added_fraction", "median"]), percent),
        optional(number(value, &["added_fraction", "p25"]), percent),
        optional(number(value, &["added_fraction", "p75"]), percent),
        optional(number(value, &["stage_us_per_text"]), |v| format!("{v:.0}")),
        optional(number(value, &["stage_alone_fraction", "median"]), percent),
        optional(number(value, &["parts_us_per_text", "entities"]), |v| format!("{v:.0}")),
        optional(number(value, &["parts_us_per_text", "speaker_links"]), |v| format!("{v:.0}")),
        optional(number(value, &["parts_us_per_text", "events"]), |v| format!("{v:.0}")),
    );
    // Reports written before these figures were measured lack them.
    if let Some(real) = value.get("real_articles").filter(|real| !real.is_null()) {
        let _ = writeln!(
            out,
            "\nOn {} real articles (the text Dossier extracts from the pages of `readability-pages`, {} kB, parsed \
             again as plain text; {} entity mentions and {} dated events a thousand words, against {} and {} in the \
             annotated texts): parsing with entities and dates {} µs an article, without them {} µs; added: median \
             {} (quartiles {}–{}).",
            optional(number(real, &["texts"]), thousands),
            optional(number(real, &["bytes"]), |v| thousands(v / 1000.0)),
            optional(number(real, &["mentions_per_thousand_words"]), |v| format!("{v:.0}")),
            optional(number(real, &["events_per_thousand_words"]), |v| format!("{v:.1}")),
            optional(number(value, &["mentions_per_thousand_words"]), |v| format!("{v:.0}")),
            optional(number(value, &["events_per_thousand_words"]), |v| format!("{v:.1}")),
            optional(number(real, &["parse_us_per_text"]), |v| format!("{v:.0}")),
            optional(number(real, &["baseline_us_per_text"]), |v| format!("{v:.0}")),
            optional(number(real, &["added_fraction", "median"]), percent),
            optional(number(real, &["added_fraction", "p25"]), percent),
            optional(number(real, &["added_fraction", "p75"]), percent),
        );
    }
    if let Some(after_parse) = number(value, &["stage_after_parse_us_per_text"]) {
        let _ = writeln!(
            out,
            "\nTimed right after each text is parsed without it, as parsing meets it rather than warm from the \
             document before, the stage takes {after_parse:.0} µs."
        );
    }
}

fn storage_section(out: &mut String, value: &Value) {
    let postgres = value.get("postgres").filter(|postgres| !postgres.is_null());
    let _ = writeln!(
        out,
        "{} generated articles ({} MB of text); one import, then each query twice (the second timed).\n",
        optional(number(value, &["documents"]), thousands),
        optional(number(value, &["raw_text_bytes"]), |bytes| thousands(bytes / 1e6)),
    );
    let pg = |path: &[&str], format: &dyn Fn(f64) -> String| match postgres {
        Some(postgres) => optional(number(postgres, path), format),
        None => "not measured".to_owned(),
    };
    table_header(out, &["", "SQLite", "peer in the same run", "PostgreSQL"]);
    let _ = writeln!(
        out,
        "| import, documents/s | {} | {} (plain inserts) | {} |",
        optional(number(value, &["import", "documents_per_second"]), thousands),
        optional(number(value, &["import", "peer_plain_inserts_per_second"]), thousands),
        pg(&["import", "documents_per_second"], &thousands),
    );
    let _ = writeln!(
        out,
        "| CPU a document, all threads | {} | | |",
        optional(number(value, &["import", "cpu_microseconds_per_document"]), |v| format!(
            "{} µs",
            thousands(v)
        )),
    );
    let _ = writeln!(
        out,
        "| written to storage a document (log, file and checkpoints) | {} | | |",
        optional(number(value, &["import", "bytes_written_per_document"]), |v| format!(
            "{:.0} KB",
            v / 1000.0
        )),
    );
    let pg_rows: Vec<&Value> = postgres.into_iter().flat_map(|postgres| items(postgres, "search")).collect();
    for row in items(value, "search") {
        let class = text(row, &["class"]).unwrap_or("?");
        let theirs = pg_rows.iter().find(|pg| text(pg, &["class"]) == Some(class));
        let _ = writeln!(
            out,
            "| search p50 / p99, {class} ({} queries, median {} matches) | {} / {} ms | {} / {} ms (bare FTS5) | {} |",
            optional(number(row, &["queries"]), thousands),
            optional(number(row, &["median_matches"]), thousands),
            optional(number(row, &["p50_ms"]), ms),
            optional(number(row, &["p99_ms"]), ms),
            optional(number(row, &["peer_bare_fts5_p50_ms"]), ms),
            optional(number(row, &["peer_bare_fts5_p99_ms"]), ms),
            match theirs {
                Some(theirs) => format!(
                    "{} / {} ms",
                    optional(number(theirs, &["p50_ms"]), ms),
                    optional(number(theirs, &["p99_ms"]), ms)
                ),
                None if postgres.is_some() => "—".to_owned(),
                None => "not measured".to_owned(),
            },
        );
    }
    let _ = writeln!(
        out,
        "| database against the raw text | {} | | {} |",
        optional(number(value, &["database_to_raw_text"]), |v| format!("{v:.2}×")),
        pg(&["database_to_raw_text"], &|v| format!("{v:.2}×")),
    );
    let _ = writeln!(
        out,
        "| story clusters ({} generated articles), precision / recall | {} / {} | | |",
        optional(number(value, &["story_clusters", "articles"]), thousands),
        optional(number(value, &["story_clusters", "precision"]), |v| format!("{v:.3}")),
        optional(number(value, &["story_clusters", "recall"]), |v| format!("{v:.3}")),
    );
    let slowest = |report: Option<&Value>| -> Vec<String> {
        report
            .into_iter()
            .flat_map(|report| items(report, "search"))
            .filter_map(|row| {
                let listed: Vec<String> = items(row, "slowest")
                    .filter_map(|query| {
                        Some(format!("`{}` {} ms", text(query, &["query"])?, ms(number(query, &["ms"])?)))
                    })
                    .collect();
                if listed.is_empty() {
                    return None;
                }
                Some(format!("{}: {}", text(row, &["class"])?, listed.join(", ")))
            })
            .collect()
    };
    for (backend, report) in [("SQLite", Some(value)), ("PostgreSQL", postgres)] {
        let listed = slowest(report);
        if !listed.is_empty() {
            let _ = writeln!(out, "\nSlowest queries on {backend} — {}.", listed.join("; "));
        }
    }
    let _ = writeln!(
        out,
        "\nWhere an import's time goes, on one core: parse and prepare {} µs of CPU a document, write {} µs.",
        optional(
            number(value, &["import", "stages", "parse_and_prepare_cpu_microseconds_per_document"]),
            |v| format!("{v:.0}")
        ),
        optional(number(value, &["import", "stages", "write_cpu_microseconds_per_document"]), |v| format!(
            "{v:.0}"
        )),
    );
}

fn import_section(out: &mut String, value: &Value) {
    let _ = writeln!(
        out,
        "The release binary `dossier import`, its resident memory sampled from `/proc` while it runs ({} words an article).\n",
        optional(number(value, &["words_per_article"]), thousands)
    );
    table_header(out, &["input", "items", "items/s", "peak resident", "anonymous", "file-backed"]);
    for (key, what) in [("lines", "NDJSON lines"), ("files", "files")] {
        let Some(run) = value.get(key) else { continue };
        let _ = writeln!(
            out,
            "| {what} | {} | {} | {} | {} | {} |",
            optional(number(run, &["items"]), thousands),
            optional(number(run, &["items_per_second"]), thousands),
            optional(number(run, &["peak_resident_mib"]), |v| format!("{v:.0} MiB")),
            optional(number(run, &["peak_anonymous_mib"]), |v| format!("{v:.0} MiB")),
            optional(number(run, &["peak_file_backed_mib"]), |v| format!("{v:.0} MiB")),
        );
    }
}

fn web_section(out: &mut String, value: &Value) {
    let _ = writeln!(
        out,
        "{} documents; {} keep-alive connections, {} s a page in each of {} rounds; client and servers share {} cores, \
         so compare the shares of hello-world (median of the rounds, minimum–maximum).\n",
        optional(number(value, &["documents"]), thousands),
        optional(number(value, &["connections"]), thousands),
        optional(number(value, &["seconds_per_page"]), |v| format!("{v}")),
        optional(number(value, &["rounds"]), thousands),
        optional(number(value, &["cores"]), thousands),
    );
    table_header(out, &["page", "requests", "requests/s", "p50", "p99", "share of hello-world"]);
    for page in items(value, "pages") {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} ms | {} ms | {} |",
            text(page, &["page"]).unwrap_or("?"),
            optional(number(page, &["requests"]), thousands),
            optional(number(page, &["requests_per_second"]), thousands),
            optional(number(page, &["p50_ms"]), |v| format!("{v:.2}")),
            optional(number(page, &["p99_ms"]), |v| format!("{v:.2}")),
            spread(page, &["ratio_to_hello_world"], |v| format!("{:.1} %", v * 100.0)),
        );
    }
    if let Some(parts) = value.get("reading_view_microseconds").and_then(Value::as_object) {
        let listed: Vec<String> = parts
            .iter()
            .filter_map(|(part, median)| Some(format!("{part} {:.0} µs", median.as_f64()?)))
            .collect();
        let _ = writeln!(
            out,
            "\nA reading view on the server, one at a time (median µs a page): {}.",
            listed.join(", ")
        );
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn run(command: &str, profile: &str) -> Value {
        json!({ "command": command, "profile": profile, "commit": "abc", "finished": "2026-11-29T18:00:00Z" })
    }

    #[test]
    fn a_figure_is_judged_only_from_a_release_run_at_the_targets_size() {
        let mut storage = json!({
            "documents": 1_000_000, "raw_text_bytes": 4.5e9, "database_to_raw_text": 1.9,
            "import": { "documents_per_second": 933.0 },
            "search": [
                { "class": "rare", "median_matches": 1692.0, "p50_ms": 9.7, "p99_ms": 48.1,
                  "slowest": [{ "query": "kaanan", "ms": 48.1 }, { "query": "taanlin", "ms": 31.0 }] },
                { "class": "common", "median_matches": 900_000.0, "p50_ms": 57.0, "p99_ms": 260.0 },
            ],
            "run": run("cargo xtask bench storage --docs 1000000", "release"),
        });
        let reports = vec![("storage", Some(storage.clone()))];
        let text = render(false, &reports, "\n");
        assert!(text.contains("| [storage] #5 | import, documents/s end to end | ≥ 5,000/s at 1,000,000 | 933 | **not met** |"), "{text}");
        assert!(
            text.contains("search p99, rare (median 1,692 matches) | < 50 ms | 48.1 ms | met |"),
            "{text}"
        );
        assert!(
            text.contains(
                "search p99, common (median 900,000 matches) | < 200 ms | 260.0 ms | **not met** |"
            ),
            "{text}"
        );
        assert!(text.contains("| database size against the raw text | ≤ 2× | 1.90× | met |"), "{text}");
        assert!(
            text.contains("Slowest queries on SQLite — rare: `kaanan` 48.1 ms, `taanlin` 31.0 ms."),
            "{text}"
        );

        storage["documents"] = json!(10_000);
        let text = render(true, &[("storage", Some(storage.clone()))], "\n");
        assert!(text.contains("| 933 | not judged (smaller run) |"), "{text}");
        assert!(!text.contains("**not met**"), "{text}");

        storage["documents"] = json!(1_000_000);
        storage["run"] = run("cargo xtask bench storage --docs 1000000", "dev");
        let text = render(false, &[("storage", Some(storage))], "\n");
        assert!(text.contains("| 933 | not judged (dev build) |"), "{text}");
    }

    #[test]
    fn the_entity_cost_on_real_articles_is_reported_beside_the_annotated_texts_when_measured() {
        let mut cost = json!({
            "texts": 93, "rounds": 15, "parse_us_per_text": 126.4, "baseline_us_per_text": 71.0,
            "mentions_per_thousand_words": 73.2, "events_per_thousand_words": 24.4,
            "added_fraction": { "median": 0.78, "p25": 0.67, "p75": 0.84 },
            "real_articles": {
                "texts": 122, "bytes": 1_054_000, "mentions_per_thousand_words": 33.1,
                "events_per_thousand_words": 8.3, "parse_us_per_text": 404.7, "baseline_us_per_text": 248.3,
                "added_fraction": { "median": 0.69, "p25": 0.63, "p75": 0.72 },
            },
            "target": 0.30,
            "run": run("cargo xtask bench entities --rounds 15", "release"),
        });
        let text = render(false, &[("entities", Some(cost.clone()))], "\n");
        assert!(
            text.contains("| entities and dates added to plain-text parsing | ≤ 30 % | 78 % | **not met** |"),
            "{text}"
        );
        assert!(
            text.contains(
                "On 122 real articles (the text Dossier extracts from the pages of `readability-pages`, 1,054 kB, \
                 parsed again as plain text; 33 entity mentions and 8.3 dated events a thousand words, against 73 \
                 and 24.4 in the annotated texts): parsing with entities and dates 405 µs an article, without them \
                 248 µs; added: median 69 % (quartiles 63 %–72 %)."
            ),
            "{text}"
        );

        // Without the corpus the real articles are not measured, and nothing is said of them.
        cost["real_articles"] = Value::Null;
        let text = render(false, &[("entities", Some(cost))], "\n");
        assert!(!text.contains("real articles"), "{text}");
        assert!(text.contains("added: median 78 % (quartiles 67 %–84 %)"), "{text}");
    }

    #[test]
    fn a_missing_report_says_how_to_make_it_and_the_hand_written_part_is_kept() {
        let kept = "\n\n## Profiles\n\nThe parser dominates.\n";
        let text = render(false, &[("web", None)], kept);
        assert!(text.contains("No report: run `cargo xtask bench web`."), "{text}");
        assert!(text.ends_with(&format!("{HAND_WRITTEN}{kept}")), "{text}");
    }

    #[test]
    fn spreads_and_thousands_read_as_a_person_writes_them() {
        assert_eq!(thousands(1_234_567.4), "1,234,567");
        assert_eq!(thousands(999.0), "999");
        let row = json!({ "ratio": { "median": 8.34, "min": 7.9, "max": 9.12 } });
        assert_eq!(spread(&row, &["ratio"], |v| format!("{v:.1}×")), "8.3× (7.9×–9.1×)");
    }
}
