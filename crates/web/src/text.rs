//! Small text helpers shared by the pages: dates as people write them, file names,
//! query strings and tag addresses.

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "2024-04-02" (or a date-time starting so) as "2 April 2024"; anything else as it is.
pub(crate) fn human_date(iso: &str) -> String {
    let date = iso.get(..10).unwrap_or(iso);
    let mut parts = date.splitn(3, '-').map(str::parse::<u32>);
    match (parts.next(), parts.next(), parts.next()) {
        (Some(Ok(year)), Some(Ok(month @ 1..=12)), Some(Ok(day @ 1..=31))) => {
            format!("{day} {} {year}", MONTHS[month as usize - 1])
        }
        (Some(Ok(year)), Some(Ok(month @ 1..=12)), None) => format!("{} {year}", MONTHS[month as usize - 1]),
        _ => iso.to_owned(),
    }
}

/// The last component of a path or URL, for showing where a document came from.
pub(crate) fn file_name(location: &str) -> String {
    location.trim_end_matches('/').rsplit(['/', '\\']).next().unwrap_or(location).to_owned()
}

/// `key=value&…`, form-encoded.
pub(crate) fn query_string(pairs: &[(&str, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
        .finish()
}

/// The address of a tag's page: the name percent-encoded as one path segment.
pub(crate) fn tag_href(name: &str) -> String {
    let mut href = String::from("/tags/");
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            href.push(byte as char);
        } else {
            href.push_str(&format!("%{byte:02X}"));
        }
    }
    href
}

#[cfg(test)]
mod tests {
    use super::{file_name, human_date, query_string, tag_href};

    #[test]
    fn tag_names_are_one_path_segment() {
        assert_eq!(tag_href("privacy"), "/tags/privacy");
        assert_eq!(tag_href("data/breach 2024"), "/tags/data%2Fbreach%202024");
        assert_eq!(tag_href("Ätna?"), "/tags/%C3%84tna%3F");
    }

    #[test]
    fn dates_read_as_people_write_them() {
        assert_eq!(human_date("2024-04-02"), "2 April 2024");
        assert_eq!(human_date("2024-12-31T23:00:00Z"), "31 December 2024");
        assert_eq!(human_date("2024-13-01"), "2024-13-01");
        assert_eq!(human_date("yesterday"), "yesterday");
    }

    #[test]
    fn sources_show_their_file_name() {
        assert_eq!(file_name("/home/a/seeds/000.txt"), "000.txt");
        assert_eq!(file_name("https://example.org/story/"), "story");
    }

    #[test]
    fn query_strings_are_encoded() {
        assert_eq!(
            query_string(&[("q", "a \"b\" & c".into()), ("page", "2".into())]),
            "q=a+%22b%22+%26+c&page=2"
        );
    }
}
