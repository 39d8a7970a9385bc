//! A writer killed in the middle of an import leaves a consistent archive: whole
//! batches or nothing, never a document without its source, nor one neither
//! searchable nor listed to be indexed when the archive next opens.
//!
//! The test binary runs itself as the writer (selected by an environment variable),
//! waits until that child reports committed batches, kills it with SIGKILL while it
//! is writing the next one, and then inspects the database.
//!
//! SQLite only: there the writer's process *is* the database engine, and a kill
//! mid-write tests the journal and the FTS index on disk. On PostgreSQL a killed
//! client is a dropped connection, whose open transaction the server rolls back;
//! that is the server's guarantee, which a test of ours would not add to.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use dossier_storage::{ImportItem, Store};

const WRITER: &str = "DOSSIER_CRASH_TEST_WRITER_DB";
const BATCH: usize = 200;

fn batch(number: usize) -> Vec<ImportItem> {
    (0..BATCH)
        .map(|index| {
            let text = format!(
                "Story {number}-{index}\n\nThe body of story {index} in batch {number}, long enough to take a moment to store.\n\n{}\n",
                "Filler sentence to give the write some weight. ".repeat(40)
            );
            ImportItem::parse(format!("{number}/{index}.txt"), None, text.into_bytes())
        })
        .collect()
}

/// The child: writes batches until it is killed, reporting each commit.
fn write_forever(db: &Path) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let store = Store::open(db).await.unwrap();
        for number in 0.. {
            store.import_batch(None, batch(number)).await.unwrap();
            println!("committed {number}");
        }
    });
}

#[test]
fn a_writer_killed_mid_batch_leaves_no_partial_documents() {
    if let Some(db) = std::env::var_os(WRITER) {
        write_forever(Path::new(&db));
        return;
    }
    let folder = tempfile::tempdir().unwrap();
    let db = folder.path().join("archive.db");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "a_writer_killed_mid_batch_leaves_no_partial_documents", "--nocapture"])
        .env(WRITER, &db)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut committed = 0;
    while committed < 3 {
        let line = lines.next().expect("the writer reports commits").unwrap();
        if line.starts_with("committed ") {
            committed += 1;
        }
    }
    // The writer went straight on to the next batch: kill it mid-transaction.
    child.kill().unwrap();
    child.wait().unwrap();

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        use sqlx::Connection;
        let mut connection = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display())).await.unwrap();
        let scalar = |sql: &'static str| sqlx::query_as::<_, (i64,)>(sql);
        let (integrity,): (String,) =
            sqlx::query_as("PRAGMA integrity_check").fetch_one(&mut connection).await.unwrap();
        assert_eq!(integrity, "ok");
        let (documents,) = scalar("SELECT count(*) FROM documents").fetch_one(&mut connection).await.unwrap();
        assert!(documents >= 3 * BATCH as i64, "every reported commit survived: {documents}");
        assert_eq!(documents % BATCH as i64, 0, "whole batches only: {documents}");
        let (without_source,) = scalar(
            "SELECT count(*) FROM documents d WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.document_id = d.id)",
        )
        .fetch_one(&mut connection)
        .await
        .unwrap();
        assert_eq!(without_source, 0);
        let (orphan_sources,) = scalar(
            "SELECT count(*) FROM sources s WHERE NOT EXISTS (SELECT 1 FROM originals o WHERE o.sha256 = s.original_sha256)",
        )
        .fetch_one(&mut connection)
        .await
        .unwrap();
        assert_eq!(orphan_sources, 0);
        // The search index is a file of its own, written after each commit: a
        // document is in it or still listed to be indexed, and nothing else is in it.
        attach_index(&mut connection, &db).await;
        let (unfindable,) = scalar(
            "SELECT count(*) FROM documents d WHERE d.id NOT IN (SELECT document_id FROM search_pending)
             AND d.id NOT IN (SELECT rowid FROM search.documents_fts)",
        )
        .fetch_one(&mut connection)
        .await
        .unwrap();
        assert_eq!(unfindable, 0, "every document is indexed or listed to be");
        let (strays,) =
            scalar("SELECT count(*) FROM search.documents_fts WHERE rowid NOT IN (SELECT id FROM documents)")
                .fetch_one(&mut connection)
                .await
                .unwrap();
        assert_eq!(strays, 0, "only stored documents are indexed");
    });
    // And the archive opens, catches its search index up and takes more work.
    runtime.block_on(async {
        let store = Store::open(&db).await.unwrap();
        store.import_batch(None, batch(999)).await.unwrap();
        store.close().await;
        use sqlx::Connection;
        let mut connection =
            sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display())).await.unwrap();
        attach_index(&mut connection, &db).await;
        let (documents, indexed, pending): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM search.documents_fts),
                    (SELECT count(*) FROM search_pending)",
        )
        .fetch_one(&mut connection)
        .await
        .unwrap();
        assert_eq!((indexed, pending), (documents, 0), "every document, and only those, is searchable");
    });
}

async fn attach_index(connection: &mut sqlx::SqliteConnection, db: &Path) {
    sqlx::query("ATTACH DATABASE ?1 AS search")
        .bind(format!("{}-search", db.display()))
        .execute(&mut *connection)
        .await
        .unwrap();
}
