//! Snapshot tests: every fixture under `tests/fixtures/` and the seed, parsed and
//! serialised as the pretty JSON that `dossier show --format json` prints.
//!
//! Re-bless after an intended change with
//! `INSTA_UPDATE=always cargo test -p dossier-core --test snapshots_test`
//! and review the diff of `tests/snapshots/` before committing: a snapshot can be
//! blessed wrong, which is why the seed also has explicit assertions in `seed.rs`.

use std::path::Path;

fn parse_file(path: &Path) -> Vec<dossier_core::Document> {
    let bytes = std::fs::read(path).expect("fixture is readable");
    let name = path.file_name().and_then(|name| name.to_str());
    let format = dossier_core::detect_format(name, &bytes);
    dossier_core::parse(&bytes, format).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/*", |path| {
        let documents = parse_file(path);
        insta::assert_snapshot!(serde_json::to_string_pretty(&documents).expect("documents serialise"));
    });
}

#[test]
fn seed() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds/000_b389a61e5b667c13.txt");
    let documents = parse_file(&path);
    insta::assert_snapshot!(serde_json::to_string_pretty(&documents).expect("documents serialise"));
}
