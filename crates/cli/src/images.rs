//! Local copies of the images a saved page shows: a browser's "save page"
//! writes them beside it (`story_files/photo.jpg`), and the page names them by
//! relative paths. Only files inside the saved page's own folder are read — a
//! page cannot name `../../somewhere/else` or an absolute path into the
//! archive — and storage keeps only real raster images (`ImportItem::add_image`).
//! Images on the web are not fetched for a file; those of a page fetched from
//! the web are fetched with it, under the same rules (`web_addresses`,
//! `Fetcher::fetch_image`). None is ever hot-linked: without a local copy the
//! reading view shows the caption instead.

use std::io::Read;
use std::path::{Path, PathBuf};

use dossier_storage::{ImportItem, MAX_IMAGE_BYTES};
use reqwest::Url;

/// The most images fetched for one page: an article shows a few; a page that
/// shows hundreds is a gallery or a trap, and its first ones are kept.
pub(crate) const IMAGES_PER_PAGE: usize = 24;

/// Keeps a copy of every image `item` shows that is a file beside `file`.
pub(crate) fn keep_local_images(item: &mut ImportItem, file: &Path) {
    let Some(folder) = file.parent().and_then(|folder| folder.canonicalize().ok()) else {
        return;
    };
    for src in item.image_sources() {
        let Some(path) = local_path(&folder, &src) else {
            continue;
        };
        let kept = read_bounded(&path).and_then(|bytes| item.add_image(&src, bytes));
        if let Err(reason) = kept {
            tracing::warn!(file = %file.display(), image = %src, %reason, "an image was not kept");
        }
    }
}

/// The images a fetched page shows, at most [`IMAGES_PER_PAGE`]: each `src` with
/// the web address it names from the page at `base`.
pub(crate) fn web_addresses(base: &str, sources: Vec<String>) -> Vec<(String, String)> {
    let Ok(base) = Url::parse(base) else { return Vec::new() };
    sources
        .into_iter()
        .filter_map(|src| {
            let address =
                base.join(src.trim()).ok().filter(|url| matches!(url.scheme(), "http" | "https"))?;
            Some((src, address.to_string()))
        })
        .take(IMAGES_PER_PAGE)
        .collect()
}

/// The file inside `folder` (canonical) that a relative `src` names.
fn local_path(folder: &Path, src: &str) -> Option<PathBuf> {
    let src = src.trim();
    // An absolute address (any scheme, `file:` too) or path is not beside the page.
    if Url::parse(src).is_ok() || src.starts_with(['/', '\\']) {
        return None;
    }
    let path = Url::from_directory_path(folder).ok()?.join(src).ok()?.to_file_path().ok()?;
    let path = path.canonicalize().ok()?;
    (path.starts_with(folder) && path.is_file()).then_some(path)
}

fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_IMAGE_BYTES as u64 + 1).read_to_end(&mut bytes))
        .map_err(|error| error.to_string())?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fetched_pages_images_are_fetched_from_the_web_only() {
        let sources = [
            "/img/a.png",
            "b.jpg",
            "https://cdn.example/c.webp",
            "data:image/png;base64,AA",
            "ftp://x/d.png",
        ];
        let addresses =
            web_addresses("https://news.example/2024/story.html", sources.map(String::from).to_vec());
        let addresses: Vec<&str> = addresses.iter().map(|(_, address)| address.as_str()).collect();
        assert_eq!(
            addresses,
            [
                "https://news.example/img/a.png",
                "https://news.example/2024/b.jpg",
                "https://cdn.example/c.webp"
            ]
        );
        let many = (0..100).map(|index| format!("{index}.png")).collect();
        assert_eq!(web_addresses("https://news.example/", many).len(), IMAGES_PER_PAGE);
    }

    #[test]
    fn only_files_inside_the_pages_folder_are_read() {
        let home = tempfile::tempdir().unwrap();
        let folder = home.path().join("saved");
        std::fs::create_dir_all(folder.join("story_files")).unwrap();
        std::fs::write(folder.join("story_files/a photo.png"), b"x").unwrap();
        std::fs::write(home.path().join("secret.png"), b"x").unwrap();
        let folder = folder.canonicalize().unwrap();
        let inside = folder.join("story_files/a photo.png");
        assert_eq!(local_path(&folder, "story_files/a%20photo.png"), Some(inside.clone()));
        assert_eq!(local_path(&folder, "./story_files/a%20photo.png?v=2#top"), Some(inside));
        for outside in [
            "../secret.png",
            "story_files/../../secret.png",
            "/etc/passwd",
            "file:///etc/passwd",
            "https://cdn.example/a.png",
            "//cdn.example/a.png",
            "story_files/missing.png",
            "story_files",
        ] {
            assert_eq!(local_path(&folder, outside), None, "{outside}");
        }
    }
}
