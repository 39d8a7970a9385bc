//! Local copies of the images documents show. The reading view shows an image
//! only from a copy stored here, never from where the page found it: an image
//! request to another host would tell that host who reads what.
//!
//! Importers hand the bytes of an image block's `src` to [`ImportItem::add_image`]
//! (for a saved page, the file beside it that the `src` names). Only raster
//! formats whose bytes say what they are are kept — PNG, JPEG, GIF, WebP, AVIF —
//! so a stored image is never SVG (which can carry script) nor anything a browser
//! might sniff into HTML. Each is stored once per content, however many documents
//! show it, and served by its SHA-256 (`/images/HASH`).

use dossier_core::Block;

use crate::import::{ImportItem, sha256_hex};
use crate::{Backend, Result, Store, postgres, sqlite};

/// The largest image kept.
pub const MAX_IMAGE_BYTES: usize = dossier_core::MAX_IMAGE_BYTES;
/// The most images kept for one document of an input.
pub const MAX_IMAGES: usize = 200;
/// The longest `src` an image is kept for (a path beside a saved page is short).
const MAX_SRC_BYTES: usize = 1000;

/// An image's bytes with what they are, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PreparedImage {
    pub(crate) src: String,
    pub(crate) sha256: String,
    pub(crate) media_type: &'static str,
    pub(crate) data: Vec<u8>,
}

/// A stored image, as served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredImage {
    pub media_type: String,
    pub data: Vec<u8>,
}

/// The media type the bytes' signature says, among the raster formats kept.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" && matches!(&bytes[8..12], b"avif" | b"avis") {
        Some("image/avif")
    } else {
        None
    }
}

impl ImportItem {
    /// The distinct `src` of its documents' image blocks, in order, that a copy
    /// could be kept for.
    pub fn image_sources(&self) -> Vec<String> {
        let Ok(prepared) = &self.prepared else { return Vec::new() };
        let mut sources: Vec<String> = Vec::new();
        for document in &prepared.documents {
            for block in &document.document.blocks {
                if let Block::Image { src, .. } = block
                    && !src.is_empty()
                    && src.len() <= MAX_SRC_BYTES
                    && !sources.contains(src)
                {
                    sources.push(src.clone());
                }
            }
        }
        sources
    }

    /// Keeps `bytes` as the local copy of the image its documents show at `src`.
    /// Refused, with the reason: bytes that are not a PNG, JPEG, GIF, WebP or AVIF
    /// image, over [`MAX_IMAGE_BYTES`], a `src` no block shows, or one image more
    /// than [`MAX_IMAGES`] for each of the input's documents.
    pub fn add_image(&mut self, src: &str, bytes: Vec<u8>) -> std::result::Result<(), String> {
        let Ok(prepared) = &mut self.prepared else { return Err("the input was not imported".into()) };
        if bytes.len() > MAX_IMAGE_BYTES {
            return Err(format!(
                "{} bytes is over the {MAX_IMAGE_BYTES}-byte limit for an image",
                bytes.len()
            ));
        }
        let Some(media_type) = sniff_image(&bytes) else {
            return Err("it is not a PNG, JPEG, GIF, WebP or AVIF image".into());
        };
        if !prepared.documents.iter().any(|document| document.shows_image(src)) || src.len() > MAX_SRC_BYTES {
            return Err(format!("no image of the document is at {src:?}"));
        }
        if prepared.images.len() >= MAX_IMAGES * prepared.documents.len() {
            return Err(format!("more than {MAX_IMAGES} images a document"));
        }
        if !prepared.images.iter().any(|image| image.src == src) {
            let sha256 = sha256_hex(&bytes);
            prepared.images.push(PreparedImage { src: src.to_owned(), sha256, media_type, data: bytes });
        }
        Ok(())
    }
}

impl Store {
    /// The stored image with this SHA-256 (lowercase hex).
    pub async fn image(&self, sha256: &str) -> Result<Option<StoredImage>> {
        if sha256.len() != 64 || !sha256.bytes().all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f')) {
            return Ok(None);
        }
        let row: Option<(String, Vec<u8>)> = match &self.backend {
            Backend::Sqlite(pool) => sqlite::image(pool, sha256).await?,
            Backend::Postgres(database) => postgres::image(database, sha256).await?,
        };
        Ok(row.map(|(media_type, data)| StoredImage { media_type, data }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_raster_images_that_say_what_they_are_are_kept() {
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some("image/png"));
        assert_eq!(sniff_image(b"\xff\xd8\xff\xe0\0\x10JFIF"), Some("image/jpeg"));
        assert_eq!(sniff_image(b"GIF89a\x01\0\x01\0"), Some("image/gif"));
        assert_eq!(sniff_image(b"RIFF\x24\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff_image(b"\0\0\0\x1cftypavif\0\0\0\0"), Some("image/avif"));
        for refused in [
            &b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"[..],
            b"<html><body>GIF89a</body></html>",
            b"",
            b"\x89PN",
            b"RIFF\x24\0\0\0WAVEfmt ",
        ] {
            assert_eq!(sniff_image(refused), None, "{refused:?}");
        }
    }
}
