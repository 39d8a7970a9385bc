//! The abbreviations every sentence splitter of the crate knows: titles (ranks
//! too: `Cpl.`, `Det. Insp.`) and company words whose full stop does not end a
//! sentence. Each splitter adds the
//! few its own text needs (`quotes`, `artifacts`, `events`).

/// Whether `lower` (lowercase, without its full stop) is one of them.
pub(crate) fn is_common(lower: &str) -> bool {
    is_title(lower) || matches!(lower, "inc" | "co" | "ltd" | "corp" | "vs" | "etc")
}

/// Whether `lower` (lowercase, without its full stop) is a title or rank shortened
/// before a name: `Dr`, `Sen`, `Cpl`.
pub(crate) fn is_title(lower: &str) -> bool {
    matches!(
        lower,
        "mr" | "mrs"
            | "ms"
            | "dr"
            | "st"
            | "jr"
            | "sr"
            | "gen"
            | "gov"
            | "sen"
            | "rep"
            | "prof"
            | "lt"
            | "col"
            | "capt"
            | "sgt"
            | "cpl"
            | "maj"
            | "det"
            | "insp"
            | "supt"
            | "cst"
            | "cmdr"
            | "adm"
            | "brig"
            | "rev"
            | "hon"
    )
}
