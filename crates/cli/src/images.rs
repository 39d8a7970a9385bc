//! Local copies of the images a saved page shows: a browser's "save page"
//! writes them beside it (`story_files/photo.jpg`), and the page names them by
//! relative paths. Only files inside the saved page's own folder are read — a
//! page cannot name `../../somewhere/else` or an absolute path into the
//! archive — and storage keeps only real raster images (`ImportItem::add_image`).
//! Images on other hosts are not fetched for a file and are never hot-linked:
//! the reading view shows their caption instead.

use std::io::Read;
use std::path::{Path, PathBuf};

use dossier_storage::{ImportItem, MAX_IMAGE_BYTES};
use reqwest::Url;

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
