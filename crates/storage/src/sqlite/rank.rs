//! `dossier_bm25`: FTS5's BM25, with the number of documents holding each phrase
//! given by the caller instead of counted.
//!
//! FTS5's own `bm25()` counts, before it scores the first row, the documents of
//! the whole archive that hold each phrase of the query: it reads each phrase's
//! whole document list, word positions included. For a word in a third of a
//! million documents that is most of a query's time (`people`: 23 ms of the 30 ms
//! its ranking statement takes), whatever the number of rows ranked. The search
//! planner already knows how many of the newest documents hold each word (see
//! `search::Sample`), and a share of them is as good an estimate as BM25
//! needs: a phrase's inverse document frequency only weighs it against the
//! query's other phrases.
//!
//! `dossier_bm25(documents_fts, w₁, …, wₖ, n₁, …, nₚ)` takes a weight for each of
//! the table's k columns, as `bm25()` does, then one value for each of the
//! query's p phrases, in the order they are written: an integer is the number
//! of documents holding the phrase, a real number the share of them (0 to 1).
//! Given the exact counts, it returns what `bm25()` returns, to the last bit
//! (the module's tests compare them): the same formula, k₁ = 1.2, b = 0.75, the
//! same floor for the inverse document frequency, and the score negated.
//!
//! FTS5 has no safe binding in Rust, so this is the one module of Dossier with
//! `unsafe` code: the extension interface SQLite documents in `fts5.h`, called
//! as it says, with every pointer coming from SQLite itself.
#![allow(unsafe_code)]

use std::ffi::c_int;
use std::ptr;

use rusqlite::ffi;

/// The function's name in SQL.
pub(crate) const NAME: &str = "dossier_bm25";

/// BM25's constants, as FTS5 sets them.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Registers `dossier_bm25` on `connection` (each connection of a pool, as it opens).
pub(crate) async fn register(connection: &mut sqlx::SqliteConnection) -> Result<(), sqlx::Error> {
    let mut handle = connection.lock_handle().await?;
    // SAFETY: the handle is the connection's, open, and locked to this task until dropped.
    unsafe { register_on(handle.as_raw_handle().as_ptr()) }
        .map_err(|message| sqlx::Error::Configuration(message.into()))
}

/// `register` on a raw connection.
///
/// # Safety
///
/// `handle` must be an open SQLite connection, not used by another thread while
/// this runs.
unsafe fn register_on(handle: *mut ffi::sqlite3) -> Result<(), String> {
    // The documented way to reach the FTS5 interface: `SELECT fts5(?1)` with a
    // pointer to the pointer to fill, bound as the type "fts5_api_ptr".
    let mut api: *mut ffi::fts5_api = ptr::null_mut();
    let mut statement = ptr::null_mut();
    // SAFETY: `handle` is an open connection (the caller's contract); the
    // statement is finalized before `api`, which it writes to, goes out of scope.
    unsafe {
        let code = ffi::sqlite3_prepare_v2(
            handle,
            c"SELECT fts5(?1)".as_ptr(),
            -1,
            &raw mut statement,
            ptr::null_mut(),
        );
        if code != ffi::SQLITE_OK {
            return Err(format!("this SQLite has no FTS5 (error {code})"));
        }
        ffi::sqlite3_bind_pointer(statement, 1, (&raw mut api).cast(), c"fts5_api_ptr".as_ptr(), None);
        ffi::sqlite3_step(statement);
        ffi::sqlite3_finalize(statement);
    }
    if api.is_null() {
        return Err("this SQLite has no FTS5 interface".to_owned());
    }
    // SAFETY: `api` points to FTS5's interface, which lives as long as the
    // connection; version 2 and later have `xCreateFunction` with this signature.
    unsafe {
        if (*api).iVersion < 2 {
            return Err(format!("FTS5 interface version {} is too old", (*api).iVersion));
        }
        let create = (*api).xCreateFunction.ok_or("FTS5 cannot create functions")?;
        let code = create(api, c"dossier_bm25".as_ptr(), ptr::null_mut(), Some(bm25), None);
        if code != ffi::SQLITE_OK {
            return Err(format!("registering {NAME} failed (error {code})"));
        }
    }
    Ok(())
}

/// The function FTS5 calls for each row.
unsafe extern "C" fn bm25(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    context: *mut ffi::sqlite3_context,
    count: c_int,
    values: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: FTS5 passes its interface, the row's context and `count` argument
    // values, all valid for this call.
    unsafe {
        let values: &[*mut ffi::sqlite3_value] = match usize::try_from(count) {
            Ok(length) if length > 0 && !values.is_null() => std::slice::from_raw_parts(values, length),
            _ => &[],
        };
        match score(&*api, fts, values) {
            Ok(score) => ffi::sqlite3_result_double(context, score),
            Err(Failure::Code(code)) => ffi::sqlite3_result_error_code(context, code),
            Err(Failure::Message(message)) => {
                ffi::sqlite3_result_error(context, message.as_ptr().cast(), message.len() as c_int)
            }
        }
    }
}

enum Failure {
    /// An error FTS5 returned.
    Code(c_int),
    /// A call with the wrong arguments.
    Message(&'static str),
}

/// The row's score: see the module documentation.
///
/// # Safety
///
/// `api` and `fts` as FTS5 passes them to an auxiliary function, `values` the
/// call's argument values.
unsafe fn score(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    values: &[*mut ffi::sqlite3_value],
) -> Result<f64, Failure> {
    let check = |code: c_int| if code == ffi::SQLITE_OK { Ok(()) } else { Err(Failure::Code(code)) };
    let (
        Some(column_count),
        Some(phrase_count),
        Some(row_count),
        Some(total_size),
        Some(instance_count),
        Some(instance),
        Some(column_size),
    ) = (
        api.xColumnCount,
        api.xPhraseCount,
        api.xRowCount,
        api.xColumnTotalSize,
        api.xInstCount,
        api.xInst,
        api.xColumnSize,
    )
    else {
        return Err(Failure::Message("this FTS5 lacks a function dossier_bm25 calls"));
    };
    // SAFETY: every call below is one of FTS5's, with the context it gave us and
    // pointers to locals for its results.
    unsafe {
        let columns = usize::try_from(column_count(fts)).unwrap_or(0);
        let phrases = usize::try_from(phrase_count(fts)).unwrap_or(0);
        if values.len() != columns + phrases {
            return Err(Failure::Message(
                "dossier_bm25 takes a weight for each column and a document count for each phrase",
            ));
        }
        let (mut rows, mut tokens) = (0_i64, 0_i64);
        check(row_count(fts, &raw mut rows))?;
        check(total_size(fts, -1, &raw mut tokens))?;
        let average_length = tokens as f64 / rows as f64;

        // How often the row holds each phrase, each occurrence weighted by its column.
        let mut frequencies = vec![0.0_f64; phrases];
        let mut instances: c_int = 0;
        check(instance_count(fts, &raw mut instances))?;
        for index in 0..instances {
            let (mut phrase, mut column, mut offset): (c_int, c_int, c_int) = (0, 0, 0);
            check(instance(fts, index, &raw mut phrase, &raw mut column, &raw mut offset))?;
            let weight = usize::try_from(column)
                .ok()
                .filter(|column| *column < columns)
                .map_or(1.0, |column| ffi::sqlite3_value_double(values[column]));
            if let Some(frequency) =
                usize::try_from(phrase).ok().and_then(|phrase| frequencies.get_mut(phrase))
            {
                *frequency += weight;
            }
        }
        let mut length: c_int = 0;
        check(column_size(fts, -1, &raw mut length))?;
        let length = f64::from(length);

        let mut score = 0.0;
        for (frequency, value) in frequencies.iter().zip(&values[columns..]) {
            let holding = match ffi::sqlite3_value_type(*value) {
                ffi::SQLITE_FLOAT => ffi::sqlite3_value_double(*value) * rows as f64,
                _ => ffi::sqlite3_value_int64(*value) as f64,
            };
            let mut idf = ((rows as f64 - holding + 0.5) / (holding + 0.5)).ln();
            if idf <= 0.0 {
                idf = 1e-6;
            }
            score +=
                idf * ((frequency * (K1 + 1.0)) / (frequency + K1 * (1.0 - B + B * length / average_length)));
        }
        Ok(-score)
    }
}

#[cfg(test)]
mod tests {
    /// Rows of (id, bm25(), dossier_bm25() with the exact counts, with the shares).
    async fn scores(query: &str) -> Vec<(i64, f64, f64, f64)> {
        let folder = tempfile::tempdir().unwrap();
        let pool = super::super::open(&folder.path().join("archive.db"), false).await.unwrap();
        for id in 1..=60_usize {
            // Words in a half, a third, a fifth and a seventh of the rows, said
            // one to four times, in the title or the body, among filler of
            // varied length.
            let (mut title, mut body) = (String::from("report"), "filler ".repeat(id % 9));
            for (word, every) in [("alpha", 2), ("beta", 3), ("gamma", 5), ("delta", 7)] {
                if id % every == 0 {
                    let said = format!(" {word}").repeat(id % 4 + 1);
                    if id % 2 == 0 { title.push_str(&said) } else { body.push_str(&said) }
                }
            }
            sqlx::query("INSERT INTO documents_fts (rowid, title, body) VALUES (?, ?, ?)")
                .bind(id as i64)
                .bind(title)
                .bind(body)
                .execute(&pool)
                .await
                .unwrap();
        }
        let phrases: Vec<String> = query.split(" AND ").map(str::to_owned).collect();
        let total: i64 =
            sqlx::query_scalar("SELECT count(*) FROM documents_fts").fetch_one(&pool).await.unwrap();
        let mut counts = Vec::new();
        for phrase in &phrases {
            let count: i64 =
                sqlx::query_scalar("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?")
                    .bind(phrase)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            counts.push(count);
        }
        let marks = vec!["?"; phrases.len()].join(", ");
        let sql = format!(
            "SELECT rowid, bm25(documents_fts, 3.0, 1.0), dossier_bm25(documents_fts, 3.0, 1.0, {marks}),
                    dossier_bm25(documents_fts, 3.0, 1.0, {marks})
             FROM documents_fts WHERE documents_fts MATCH ? ORDER BY rowid"
        );
        let mut statement = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for count in &counts {
            statement = statement.bind(*count);
        }
        for count in &counts {
            statement = statement.bind(*count as f64 / total as f64);
        }
        statement.bind(query).fetch_all(&pool).await.unwrap()
    }

    #[tokio::test]
    async fn given_exact_counts_it_scores_as_bm25_does() {
        for query in
            ["\"gamma\"", "\"alpha\" AND \"gamma\"", "\"beta\" AND \"report\"", "\"report\" AND \"delta\""]
        {
            let rows = scores(query).await;
            assert!(rows.len() >= 4, "{query}: {rows:?}");
            for (id, bm25, counted, shared) in rows {
                assert!(bm25 < 0.0, "{query}, row {id}: {bm25}");
                assert_eq!(counted.to_bits(), bm25.to_bits(), "{query}, row {id}: {counted} against {bm25}");
                assert!(
                    (shared - bm25).abs() < 1e-9 * bm25.abs(),
                    "{query}, row {id}: {shared} against {bm25}"
                );
            }
        }
    }

    #[tokio::test]
    async fn a_call_without_a_count_for_each_phrase_is_an_error() {
        let folder = tempfile::tempdir().unwrap();
        let pool = super::super::open(&folder.path().join("archive.db"), false).await.unwrap();
        sqlx::query("INSERT INTO documents_fts (rowid, title, body) VALUES (1, 'alpha', 'beta')")
            .execute(&pool)
            .await
            .unwrap();
        let error = sqlx::query("SELECT dossier_bm25(documents_fts, 3.0, 1.0, 1) FROM documents_fts WHERE documents_fts MATCH 'alpha beta'")
            .fetch_all(&pool)
            .await
            .unwrap_err();
        assert!(error.to_string().contains("a document count for each phrase"), "{error}");
    }
}
