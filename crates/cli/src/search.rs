//! `dossier search QUERY`: full-text search from the command line.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::ValueEnum;
use dossier_storage::{SearchRequest, SortOrder};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Words, "phrases", -excluded, a OR b, prefix*, and the filters site:, author:,
    /// lang:, tag:, before:YYYY[-MM[-DD]], after:YYYY[-MM[-DD]], story:ID, is:read, is:unread
    #[arg(required = true, num_args = 1.., allow_hyphen_values = true, value_name = "QUERY")]
    query: Vec<String>,
    /// How many hits to print
    #[arg(long, default_value_t = 20)]
    limit: u32,
    /// Hits to skip, for the next page
    #[arg(long, default_value_t = 0)]
    offset: u32,
    #[arg(long, value_enum, default_value_t = Sort::Relevance)]
    sort: Sort,
    /// Print the hits as a JSON array
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Sort {
    Relevance,
    /// Newest publication date first
    Published,
    /// Most recently added first
    Added,
}

pub async fn run(db: &Path, args: Args) -> anyhow::Result<ExitCode> {
    if let Some(exit) =
        crate::misplaced_option("search", &args.query, &["--limit", "--offset", "--sort", "--json"])
    {
        return Ok(exit);
    }
    let store = crate::open_store(db).await?;
    let request = SearchRequest {
        query: args.query.join(" "),
        sort: match args.sort {
            Sort::Relevance => SortOrder::Relevance,
            Sort::Published => SortOrder::Published,
            Sort::Added => SortOrder::Added,
        },
        limit: args.limit,
        offset: args.offset,
    };
    let results = store.search(&request).await?;
    store.close().await;

    let mut out = std::io::stdout().lock();
    if args.json {
        let hits = dossier_web::hits_json(&results);
        writeln!(out, "{}", serde_json::to_string_pretty(&hits)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    for hit in &results.hits {
        let details: Vec<&str> =
            [hit.site.as_deref(), hit.published.as_deref()].into_iter().flatten().collect();
        writeln!(out, "{:>6}  {}", hit.id, hit.title)?;
        if !details.is_empty() {
            writeln!(out, "        {}", details.join(" · "))?;
        }
        writeln!(out, "        {}\n", hit.snippet.text)?;
    }
    let shown = u64::from(args.offset) + results.hits.len() as u64;
    let about = if results.exhaustive { "" } else { "about " };
    writeln!(out, "{shown} of {about}{} matching documents", results.total)?;
    Ok(ExitCode::SUCCESS)
}
