//! `dossier entities`, `dossier timeline` and `dossier quotes`: the people,
//! organisations and places of the archive, its dated events and its quotes,
//! and the corrections a person makes to entities (`merge`, `rename`).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Subcommand, ValueEnum};
use dossier_core::EntityKind;
use dossier_storage::{EntityDocument, Store};

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<EntitiesCommand>,
    #[command(flatten)]
    list: ListArgs,
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    /// Only entities of this kind
    #[arg(long, value_enum)]
    kind: Option<Kind>,
    /// Only entities with a name beginning with this
    #[arg(long, value_name = "PREFIX")]
    name: Option<String>,
    /// How many entities to print, most documents first
    #[arg(long, default_value_t = 50)]
    limit: i64,
    /// Print them as a JSON array
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum EntitiesCommand {
    /// Print one entity: its names, documents, quotes, related entities and timeline
    Show {
        /// The entity's id, or a name it goes by
        entity: String,
        #[arg(long)]
        json: bool,
    },
    /// Make several entities one: their names mean the target from now on,
    /// also for documents parsed again or imported later
    Merge {
        /// The entities to merge away (ids or names)
        #[arg(required = true)]
        entities: Vec<String>,
        /// The entity they become (an id or a name)
        #[arg(long, value_name = "ENTITY")]
        into: String,
    },
    /// Change the name shown for an entity; the new name also means it
    Rename {
        /// The entity's id, or a name it goes by
        entity: String,
        /// Its new name
        name: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Kind {
    Person,
    #[value(alias = "organisation", alias = "org")]
    Organization,
    Place,
}

impl From<Kind> for EntityKind {
    fn from(kind: Kind) -> EntityKind {
        match kind {
            Kind::Person => EntityKind::Person,
            Kind::Organization => EntityKind::Organization,
            Kind::Place => EntityKind::Place,
        }
    }
}

pub async fn run(db: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let store = crate::open_store(db).await?;
    let outcome = match args.command {
        None => list(&store, args.list).await,
        Some(EntitiesCommand::Show { entity, json }) => show(&store, &entity, json).await,
        Some(EntitiesCommand::Merge { entities, into }) => merge(&store, &entities, &into).await,
        Some(EntitiesCommand::Rename { entity, name }) => {
            let id = resolve(&store, &entity).await?;
            store.rename_entity(id, &name).await?;
            println!("entity {id} is now called {:?}", name.trim());
            Ok(())
        }
    };
    store.close().await;
    outcome.map(|()| ExitCode::SUCCESS)
}

async fn list(store: &Store, args: ListArgs) -> anyhow::Result<()> {
    let entities = store.entities(args.kind.map(EntityKind::from), args.name.as_deref(), args.limit).await?;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&entities)?)?;
        return Ok(());
    }
    for entity in &entities {
        let kind = kind_label(entity.kind);
        let quotes = match entity.quotes {
            0 => String::new(),
            1 => ", 1 quote".to_owned(),
            count => format!(", {count} quotes"),
        };
        writeln!(
            out,
            "{:>6}  {:<13} {}  ({} {}{quotes})",
            entity.id,
            kind,
            entity.name,
            entity.documents,
            documents(entity.documents)
        )?;
    }
    if entities.is_empty() {
        writeln!(
            out,
            "no entities{}",
            if args.kind.is_some() || args.name.is_some() { " match" } else { " yet" }
        )?;
    }
    Ok(())
}

async fn show(store: &Store, entity: &str, json: bool) -> anyhow::Result<()> {
    let id = resolve(store, entity).await?;
    let page = store.entity(id).await?.with_context(|| format!("there is no entity {id}"))?;
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&page)?)?;
        return Ok(());
    }
    let summary = &page.entity;
    writeln!(out, "{} ({}, entity {})", summary.name, kind_label(summary.kind), summary.id)?;
    if !page.aliases.is_empty() {
        writeln!(out, "also: {}", page.aliases.join("; "))?;
    }
    writeln!(out, "\n{} {}", summary.documents, documents(summary.documents))?;
    for document in &page.documents {
        writeln!(out, "{}", document_line(document))?;
    }
    if !page.quotes.is_empty() {
        writeln!(out, "\nquotes")?;
        for quote in &page.quotes {
            writeln!(out, "  “{}”", quote.text)?;
            writeln!(out, "    first printed by {}", document_ref(&quote.printings[0]))?;
            if quote.printings.len() > 1 {
                writeln!(out, "    and {} more", quote.printings.len() - 1)?;
            }
        }
    }
    if !page.related.is_empty() {
        writeln!(out, "\nnamed with")?;
        for (entity, shared) in &page.related {
            writeln!(
                out,
                "{:>6}  {} ({}, {shared} {})",
                entity.id,
                entity.name,
                kind_label(entity.kind),
                documents(*shared)
            )?;
        }
    }
    if !page.timeline.is_empty() {
        writeln!(out, "\ntimeline")?;
        write_timeline(&mut out, &page.timeline)?;
    }
    Ok(())
}

async fn merge(store: &Store, entities: &[String], into: &str) -> anyhow::Result<()> {
    let target = resolve(store, into).await?;
    let mut merged = Vec::new();
    for entity in entities {
        let id = resolve(store, entity).await?;
        if id == target {
            bail!("{entity:?} is entity {target} itself");
        }
        merged.push(id);
    }
    let count = store.merge_entities(&merged, target).await?;
    println!("merged {count} {} into entity {target}", if count == 1 { "entity" } else { "entities" });
    Ok(())
}

/// An entity given by id, or by a name that means exactly one entity.
async fn resolve(store: &Store, given: &str) -> anyhow::Result<i64> {
    if let Ok(id) = given.trim().parse::<i64>() {
        return Ok(id);
    }
    let found = store.entity_by_name(given).await?;
    match found.as_slice() {
        [] => bail!("no entity is called {given:?} (`dossier entities --name` lists names)"),
        [one] => Ok(one.id),
        several => {
            let choices: Vec<String> = several
                .iter()
                .map(|entity| format!("{} ({}, {})", entity.id, entity.name, kind_label(entity.kind)))
                .collect();
            bail!("{given:?} means {} entities: {}; give an id", several.len(), choices.join(", "))
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct TimelineArgs {
    /// Only the documents this search matches (the syntax of `dossier search`;
    /// story:ID for one story); every document when absent
    #[arg(num_args = 0.., allow_hyphen_values = true, value_name = "QUERY")]
    query: Vec<String>,
    /// Print the events as a JSON array
    #[arg(long)]
    json: bool,
}

pub async fn timeline(db: &Path, args: TimelineArgs) -> anyhow::Result<ExitCode> {
    if let Some(exit) = crate::misplaced_option("timeline", &args.query, &["--json"]) {
        return Ok(exit);
    }
    let store = crate::open_store(db).await?;
    let events = store.timeline(&args.query.join(" ")).await;
    store.close().await;
    let events = events?;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&events)?)?;
    } else if events.is_empty() {
        writeln!(out, "no dated events")?;
    } else {
        write_timeline(&mut out, &events)?;
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, clap::Args)]
pub struct QuotesArgs {
    /// Only the quotes of the documents this search matches; all when absent
    #[arg(num_args = 0.., allow_hyphen_values = true, value_name = "QUERY")]
    query: Vec<String>,
    /// Print the quotes as a JSON array
    #[arg(long)]
    json: bool,
}

pub async fn quotes(db: &Path, args: QuotesArgs) -> anyhow::Result<ExitCode> {
    if let Some(exit) = crate::misplaced_option("quotes", &args.query, &["--json"]) {
        return Ok(exit);
    }
    let store = crate::open_store(db).await?;
    let quotes = store.quotes(&args.query.join(" ")).await;
    store.close().await;
    let quotes = quotes?;
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&quotes)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    for quote in &quotes {
        let speaker = quote.entity.as_ref().map(|(_, name)| name.as_str()).or(quote.speaker.as_deref());
        writeln!(out, "“{}”", quote.text)?;
        writeln!(out, "    {}", speaker.unwrap_or("speaker not named"))?;
        writeln!(out, "    first printed by {}", document_ref(&quote.printings[0]))?;
        for document in &quote.printings[1..] {
            writeln!(out, "    also printed by {}", document_ref(document))?;
        }
        writeln!(out)?;
    }
    if quotes.is_empty() {
        writeln!(out, "no quotes")?;
    }
    Ok(ExitCode::SUCCESS)
}

fn write_timeline(out: &mut impl Write, events: &[dossier_storage::TimelineEvent]) -> std::io::Result<()> {
    for event in events {
        let about = if event.approximate { "about " } else { "" };
        writeln!(out, "{about}{}  {}", event.date, event.text)?;
        for document in &event.documents {
            writeln!(out, "  {}", document_line(document))?;
        }
    }
    Ok(())
}

/// "Title (site, date)".
fn described(document: &EntityDocument) -> String {
    let details: Vec<&str> =
        [document.site.as_deref(), document.published.as_deref()].into_iter().flatten().collect();
    if details.is_empty() {
        document.title.clone()
    } else {
        format!("{} ({})", document.title, details.join(", "))
    }
}

/// A document as a line of a list: its id right-aligned, then `described`.
fn document_line(document: &EntityDocument) -> String {
    format!("{:>6}  {}", document.id, described(document))
}

/// "#12 Title (site, date)", within a sentence.
fn document_ref(document: &EntityDocument) -> String {
    format!("#{} {}", document.id, described(document))
}

fn documents(count: i64) -> &'static str {
    if count == 1 { "document" } else { "documents" }
}

fn kind_label(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "person",
        EntityKind::Organization => "organization",
        EntityKind::Place => "place",
    }
}
