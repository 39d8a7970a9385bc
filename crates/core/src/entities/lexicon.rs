//! The words the recogniser knows: the name lists kept in `crates/core/data/` and
//! the short tables of cue words that say what a name is from the words around it.
//!
//! Everything is loaded once into two maps from a word to the set of lists it is
//! on: one for words as written (names: case matters, `US` is not `us`) and one
//! for lowercased words (cues: `Said` is `said`). One probe answers every
//! question about a word; probing is most of the recogniser's time.

use std::sync::LazyLock;

use crate::fast_map::FastMap;
use crate::word_key::WordKey as Key;

/// The lists a word as written is on.
pub(super) mod written {
    pub const GIVEN_NAME: u32 = 1;
    pub const ORGANIZATION: u32 = 1 << 1;
    pub const PLACE: u32 = 1 << 2;
    pub const NOT_A_NAME: u32 = 1 << 3;
    pub const ORGANIZATION_SUFFIX: u32 = 1 << 4;
    pub const ORGANIZATION_HEAD: u32 = 1 << 5;
    pub const PLACE_SUFFIX: u32 = 1 << 6;
    pub const PLACE_HEAD: u32 = 1 << 7;
    pub const LEGAL_SUFFIX: u32 = 1 << 8;
    pub const DROPPABLE_SUFFIX: u32 = 1 << 9;
    pub const TAKES_OF: u32 = 1 << 10;
    /// The last word of a law's name, which is no entity: `Data Protection Act`.
    pub const LAW_SUFFIX: u32 = 1 << 11;
}

/// The lists a lowercased word is on.
pub(super) mod lower {
    pub const COMMON: u32 = 1;
    pub const PERSON_TITLE: u32 = 1 << 1;
    pub const PERSON_ROLE: u32 = 1 << 2;
    pub const ORGANIZATION_ROLE_AFTER: u32 = 1 << 3;
    pub const ORGANIZATION_ROLE_BEFORE: u32 = 1 << 4;
    pub const ORGANIZATION_NOUN: u32 = 1 << 5;
    pub const SPEECH_VERB: u32 = 1 << 6;
    pub const TRAILING_ROLE: u32 = 1 << 7;
    /// `said X`
    pub const INVERTED_SPEECH_VERB: u32 = 1 << 8;
    /// `X later said`
    pub const SPEECH_ADVERB: u32 = 1 << 9;
    /// `in X`
    pub const PLACE_PREPOSITION: u32 = 1 << 10;
    /// `X, the company`
    pub const DETERMINER: u32 = 1 << 11;
    /// `of`, `for`, `at`: `chief executive of X`
    pub const ROLE_PREPOSITION: u32 = 1 << 12;
    /// `city of X`
    pub const PLACE_NOUN: u32 = 1 << 13;
    /// `joined X`
    pub const JOINED: u32 = 1 << 14;
    /// Ends an apposition's head: `a partner at the firm`.
    pub const PREPOSITION: u32 = 1 << 15;
    /// A noun for a firm rather than a public body: `the company said`.
    pub const COMPANY_NOUN: u32 = 1 << 16;
    /// `and`, `or`: `Maersk and MSC`
    pub const COORDINATION: u32 = 1 << 17;
    /// Any cue a word before or after a name may give.
    pub const CUE: u32 = PERSON_ROLE
        | ORGANIZATION_NOUN
        | ORGANIZATION_ROLE_AFTER
        | SPEECH_VERB
        | INVERTED_SPEECH_VERB
        | SPEECH_ADVERB
        | PLACE_PREPOSITION
        | DETERMINER
        | ROLE_PREPOSITION
        | JOINED
        | COORDINATION;
}

static EXACT: LazyLock<Lists> = LazyLock::new(|| {
    let mut map = FastMap::default();
    add_list(&mut map, include_str!("../../data/given_names.txt"), written::GIVEN_NAME);
    add_list(&mut map, include_str!("../../data/organizations.txt"), written::ORGANIZATION);
    add_list(&mut map, include_str!("../../data/places.txt"), written::PLACE);
    add_list(&mut map, include_str!("../../data/not_names.txt"), written::NOT_A_NAME);
    add_words(&mut map, ORGANIZATION_SUFFIXES, written::ORGANIZATION_SUFFIX);
    add_words(
        &mut map,
        LEGAL_SUFFIXES,
        written::LEGAL_SUFFIX | written::DROPPABLE_SUFFIX | written::ORGANIZATION_SUFFIX,
    );
    add_words(&mut map, DROPPABLE_SUFFIXES, written::DROPPABLE_SUFFIX);
    add_words(&mut map, ORGANIZATION_HEADS, written::ORGANIZATION_HEAD);
    add_words(&mut map, PLACE_SUFFIXES, written::PLACE_SUFFIX);
    add_words(&mut map, PLACE_HEADS, written::PLACE_HEAD);
    add_words(&mut map, TAKES_OF, written::TAKES_OF);
    add_words(
        &mut map,
        &["Act", "Acts", "Regulation", "Directive", "Bill", "Treaty", "Amendment", "Statute", "Ordinance"],
        written::LAW_SUFFIX,
    );
    Lists::new(map)
});

static FOLDED: LazyLock<Lists> = LazyLock::new(|| {
    let mut map: FastMap<&'static str, u32> = FastMap::default();
    add_list(&mut map, include_str!("../../data/common_words.txt"), lower::COMMON);
    add_words(&mut map, PERSON_TITLES, lower::PERSON_TITLE | lower::PERSON_ROLE);
    add_words(&mut map, PERSON_ROLES, lower::PERSON_ROLE);
    add_words(&mut map, ORGANIZATION_ROLES_AFTER, lower::ORGANIZATION_ROLE_AFTER);
    add_words(&mut map, ORGANIZATION_ROLES_BEFORE, lower::ORGANIZATION_ROLE_BEFORE);
    add_words(&mut map, ORGANIZATION_NOUNS, lower::ORGANIZATION_NOUN);
    add_words(&mut map, SPEECH_VERBS, lower::SPEECH_VERB);
    add_words(&mut map, TRAILING_ROLES, lower::TRAILING_ROLE);
    add_words(
        &mut map,
        &["said", "says", "added", "asked", "wrote", "explained", "dijo", "sagte"],
        lower::INVERTED_SPEECH_VERB,
    );
    add_words(
        &mut map,
        &["also", "later", "then", "previously", "earlier", "recently", "once", "has", "had"],
        lower::SPEECH_ADVERB,
    );
    add_words(
        &mut map,
        &["in", "near", "across", "outside", "throughout", "en", "dans", "à", "nach", "aus"],
        lower::PLACE_PREPOSITION,
    );
    add_words(&mut map, &["the", "a", "an", "its", "his", "her", "their", "our"], lower::DETERMINER);
    add_words(&mut map, &["of", "for", "at"], lower::ROLE_PREPOSITION);
    add_words(
        &mut map,
        &["of", "for", "at", "in", "with", "from", "on", "by", "to", "and", "or"],
        lower::PREPOSITION,
    );
    add_words(
        &mut map,
        &[
            "city",
            "town",
            "village",
            "state",
            "province",
            "capital",
            "region",
            "county",
            "district",
            "area",
            "basin",
            "suburb",
            "neighbourhood",
            "neighborhood",
            "island",
            "peninsula",
            "valley",
        ],
        lower::PLACE_NOUN,
    );
    add_words(&mut map, &["joined"], lower::JOINED);
    add_words(&mut map, &["and", "or"], lower::COORDINATION);
    add_words(
        &mut map,
        &[
            "company",
            "firm",
            "business",
            "startup",
            "start-up",
            "maker",
            "manufacturer",
            "retailer",
            "carrier",
            "airline",
            "operator",
            "giant",
            "brand",
            "chain",
            "insurer",
            "lender",
            "streamer",
            "platform",
            "publisher",
            "broadcaster",
            "group",
            "conglomerate",
            "corporation",
        ],
        lower::COMPANY_NOUN,
    );
    Lists::new(map)
});

/// A key's first slot under `mask`, and its tag: seven other bits of its hash,
/// with the high bit set (no tag is `EMPTY_TAG`).
fn first_slot(key: Key, mask: usize) -> (usize, u8) {
    let mixed = key.hash();
    ((mixed >> 32) as usize & mask, (mixed >> 57) as u8 | 0x80)
}

/// The tag of an empty slot.
const EMPTY_TAG: u8 = 0;

/// The lists each word is on: an open-addressing table of the words shorter
/// than 16 bytes (nearly all), probed with integer comparisons rather than a hash
/// of the bytes and a string comparison, and a map of the longer names.
struct Lists {
    /// A byte a slot, from a few bits of its key's hash: most words not listed
    /// are refused by these bytes alone, which stay in the cache, before any key is
    /// read.
    tags: Box<[u8]>,
    /// Each key beside its flags, so that a word found costs one more cache line.
    slots: Box<[(Key, u32)]>,
    long: FastMap<&'static [u8], u32>,
}

impl Lists {
    fn new(words: FastMap<&'static str, u32>) -> Lists {
        // A third full at most (about a quarter for these lists): nearly every probe
        // ends at its first slot, which saves more time than a denser table would
        // save memory (measured: a half-full table of the lowercased words was slower).
        let size = (words.len() * 3).next_power_of_two().max(16);
        let mut tags = vec![EMPTY_TAG; size].into_boxed_slice();
        let mut slots = vec![(Key::EMPTY, 0); size].into_boxed_slice();
        let mut long = FastMap::default();
        for (word, flags) in words {
            if word.len() >= 16 {
                long.insert(word.as_bytes(), flags);
                continue;
            }
            let key = Key::of(word.as_bytes());
            let (mut slot, tag) = first_slot(key, size - 1);
            while tags[slot] != EMPTY_TAG {
                slot = (slot + 1) & (size - 1);
            }
            tags[slot] = tag;
            slots[slot] = (key, flags);
        }
        Lists { tags, slots, long }
    }

    /// The flags of `word`, as it is.
    fn get(&self, word: &[u8]) -> u32 {
        if word.len() >= 16 {
            return self.long.get(word).copied().unwrap_or(0);
        }
        self.probe(Key::of(word))
    }

    fn probe(&self, key: Key) -> u32 {
        let mask = self.slots.len() - 1;
        let (mut slot, tag) = first_slot(key, mask);
        loop {
            let found = self.tags[slot];
            if found == tag && self.slots[slot].0 == key {
                return self.slots[slot].1;
            }
            if found == EMPTY_TAG {
                return 0;
            }
            slot = (slot + 1) & mask;
        }
    }
}

fn add_list(map: &mut FastMap<&'static str, u32>, list: &'static str, flag: u32) {
    let words = list.lines().map(str::trim).filter(|line| !line.is_empty() && !line.starts_with('#'));
    for word in words {
        *map.entry(word).or_default() |= flag;
    }
}

fn add_words(map: &mut FastMap<&'static str, u32>, words: &[&'static str], flag: u32) {
    for word in words {
        *map.entry(word).or_default() |= flag;
    }
}

/// The lists `word`, as written, is on (`written::…` flags).
pub(super) fn written_lists(word: &str) -> u32 {
    EXACT.get(word.as_bytes())
}

/// The lists `word`, lowercased, is on (`lower::…` flags).
pub(super) fn lower_lists(word: &str) -> u32 {
    let bytes = word.as_bytes();
    if bytes.len() < 16 {
        let key = Key::of(bytes);
        if key.is_ascii() {
            return FOLDED.probe(key.ascii_lowercase());
        }
    }
    if bytes.iter().all(|byte| byte.is_ascii_lowercase() || *byte == b'-') {
        return lowercase_lists(word);
    }
    let mut buffer = [0u8; 32];
    if bytes.len() <= buffer.len() && word.is_ascii() {
        let buffer = &mut buffer[..bytes.len()];
        buffer.copy_from_slice(bytes);
        buffer.make_ascii_lowercase();
        FOLDED.get(buffer)
    } else {
        lowercase_lists(&word.to_lowercase())
    }
}

/// As [`lower_lists`], for a word already lowercase.
pub(super) fn lowercase_lists(lower: &str) -> u32 {
    FOLDED.get(lower.as_bytes())
}

pub(super) fn is_known_organization(name: &str) -> bool {
    written_lists(name) & written::ORGANIZATION != 0
}

pub(super) fn is_known(name: &str) -> bool {
    written_lists(name) & (written::ORGANIZATION | written::PLACE) != 0
}

/// An ordinary word, capitalised only because it starts a sentence.
pub(super) fn is_common_word(word: &str) -> bool {
    lower_lists(word) & lower::COMMON != 0
}

/// Calls `f` with `word` lowercased, without allocating for short ASCII words.
pub(super) fn with_lowercase<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    if word.bytes().all(|byte| byte.is_ascii_lowercase() || byte == b'-') {
        return f(word);
    }
    let mut buffer = [0u8; 32];
    if word.len() <= buffer.len() && word.is_ascii() {
        let buffer = &mut buffer[..word.len()];
        buffer.copy_from_slice(word.as_bytes());
        buffer.make_ascii_lowercase();
        // Lowercased ASCII is still ASCII, so this never fails.
        f(std::str::from_utf8(buffer).unwrap_or_default())
    } else {
        f(&word.to_lowercase())
    }
}

/// A word that alone names nothing in particular (`Commission`, `President`,
/// `Street`) unless a list knows it (`Congress`, `Senate`). `flags` are the lists
/// the word is on as written; `lower_flags` gives those it is on lowercased.
pub(super) fn is_generic(flags: u32, lower_flags: impl FnOnce() -> u32) -> bool {
    let generic = written::ORGANIZATION_SUFFIX
        | written::ORGANIZATION_HEAD
        | written::PLACE_SUFFIX
        | written::PLACE_HEAD;
    flags & (written::ORGANIZATION | written::PLACE) == 0
        && (flags & generic != 0 || lower_flags() & lower::PERSON_TITLE != 0)
}

/// Titles written before a name (`Mayor Linda Okafor`, `Apple CEO Tim Cook`),
/// matched lowercase. Capitalised inside a run of capitalised words they cut it:
/// what follows is a person.
#[rustfmt::skip]
const PERSON_TITLES: &[&str] = &[
    "mr", "mrs", "ms", "mx", "miss", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
    "president", "vice", "prime", "minister", "secretary", "senator", "sen", "rep",
    "representative", "congressman", "congresswoman", "governor", "gov", "mayor", "judge",
    "justice", "chancellor", "king", "queen", "prince", "princess", "pope", "rev", "reverend",
    "father", "bishop", "archbishop", "cardinal", "rabbi", "imam", "sheikh", "general", "gen",
    "colonel", "col", "captain", "capt", "lieutenant", "lt", "sergeant", "sgt", "admiral",
    "corporal", "cpl", "maj", "det", "insp", "supt", "superintendent", "cst", "const",
    "adm", "cmdr", "brig", "brigadier",
    "commander", "officer", "detective", "inspector", "constable", "chief", "executive", "ceo",
    "cfo", "coo", "cto", "chairman", "chairwoman", "chair", "chairperson", "director", "founder",
    "co-founder", "cofounder", "commissioner", "ambassador", "attorney", "coach", "councillor",
    "councilman", "councilwoman", "councilmember", "deputy", "speaker", "sheriff",
    "spokesperson", "spokesman", "spokeswoman", "owner", "premier", "leader", "emir", "crown",
    "baron", "baroness", "duke", "duchess", "earl", "countess", "monsieur", "madame", "mme",
    "mlle", "herr", "frau", "señor", "señora", "sra", "presidente", "président", "présidente",
    "ministre", "ministro", "ministra", "kanzler", "bundeskanzler", "kanzlerin", "bahnchef",
    "konzernchef", "alcalde", "alcaldesa", "maire",
];

/// Roles and relations written before a name (`engineer Mia Holt`, `two US
/// citizens, Maximilian Klein`), besides the titles: the name is a person.
#[rustfmt::skip]
const PERSON_ROLES: &[&str] = &[
    "manager", "boss", "head", "official", "prosecutor", "lawyer", "solicitor", "barrister",
    "counsel", "superintendent", "envoy", "diplomat", "economist", "analyst", "strategist",
    "researcher", "scientist", "historian", "author", "writer", "novelist", "poet", "journalist",
    "reporter", "correspondent", "columnist", "editor", "photographer", "filmmaker", "producer",
    "actor", "actress", "singer", "rapper", "musician", "artist", "comedian", "presenter", "host",
    "anchor", "designer", "architect", "engineer", "developer", "programmer", "entrepreneur",
    "investor", "billionaire", "businessman", "businesswoman", "banker", "trader", "chef",
    "player", "striker", "midfielder", "defender", "goalkeeper", "quarterback", "pitcher",
    "champion", "star", "teammate", "colleague", "doctor", "surgeon", "physician", "nurse",
    "psychologist", "teacher", "student", "activist", "campaigner", "candidate", "nominee",
    "lawmaker", "legislator", "member", "priest", "pastor", "cleric", "resident", "citizen",
    "citizens", "residents", "plaintiff", "plaintiffs", "defendant", "suspect", "victim",
    "witness", "survivor", "veteran", "farmer", "worker", "employee", "son", "daughter", "wife",
    "husband", "mother", "brother", "sister", "widow", "girlfriend", "boyfriend", "librarian",
    "portavoz", "porte-parole", "directeur", "directrice", "directora", "juez", "jueza", "juge",
    "sprecher", "sprecherin", "partner", "chemist", "counsel", "aide", "adviser", "advisor",
    "consultant", "founder", "organiser", "organizer", "spokesperson",
];

/// Words after an organisation's name (`Netflix co-founder`, `Meta spokesperson`,
/// `Facebook's board`, `Facebook users`).
#[rustfmt::skip]
const ORGANIZATION_ROLES_AFTER: &[&str] = &[
    "co-founder", "cofounder", "founder", "founders", "ceo", "cfo", "coo", "cto", "chairman",
    "chairwoman", "president", "chief", "executive", "executives", "spokesperson", "spokesman",
    "spokeswoman", "spokespeople", "board", "shareholders", "shares", "stock", "subsidiary",
    "headquarters", "employees", "users", "customers", "subscribers", "app", "platform",
    "website", "products", "services", "revenue", "profits", "earnings", "investors", "boss",
    "parent", "engineers", "officials", "stores", "division", "owner", "union", "party",
    "magazine", "newspaper", "tabloid", "broadcaster", "alliance", "coalition",
];

/// Roles written before `of`, `for` or `at` and an organisation (`co-founder of
/// Meta`, `chief executive of Netflix`, `spokesperson for the FTC`).
#[rustfmt::skip]
const ORGANIZATION_ROLES_BEFORE: &[&str] = &[
    "co-founder", "cofounder", "founder", "founders", "ceo", "cfo", "coo", "cto", "executive",
    "executives", "chairman", "chairwoman", "chair", "president", "director", "head", "boss",
    "spokesperson", "spokesman", "spokeswoman", "employee", "employees", "staff", "owner",
    "shareholder", "shareholders", "subsidiary", "division", "unit", "board", "partner",
    "rival", "competitor", "acquisition", "engineer", "researcher", "analyst", "economist",
    "professor", "chief",
];

/// Nouns that say an organisation in an apposition (`Meta, Facebook's parent
/// company,`; `Acme, the retailer,`).
#[rustfmt::skip]
const ORGANIZATION_NOUNS: &[&str] = &[
    "company", "firm", "group", "giant", "network", "platform", "service", "agency", "bank",
    "maker", "manufacturer", "retailer", "startup", "start-up", "carrier", "airline", "operator",
    "conglomerate", "broadcaster", "newspaper", "publisher", "charity", "organisation",
    "organization", "university", "party", "government", "ministry", "department", "union",
    "club", "court", "regulator", "watchdog", "business", "corporation", "subsidiary", "streamer",
    "brand", "chain", "insurer", "lender", "authority", "commission", "council", "board",
    "regulator", "agency", "ministry", "broker", "band", "outlet", "website", "app", "label",
    "studio", "bank", "fund", "charity", "nonprofit", "non-profit", "utility", "site",
    "alliance", "coalition", "association", "federation", "foundation", "institute", "trust",
    "pollster", "consultancy", "carmaker", "automaker", "chipmaker", "drugmaker", "supermarket",
    "grocer", "magazine", "tabloid", "think-tank", "thinktank", "hospital", "college", "school",
    "academy", "exchange", "body", "cooperative", "co-operative", "collective", "consortium",
    "league", "institution", "laboratory", "movement", "militia", "ngo", "venture", "bookmaker",
    "fintech", "miner", "supplier", "contractor", "provider", "distributor", "wholesaler",
    "exporter", "importer", "housebuilder", "outfit", "partnership", "daily", "weekly", "paper",
    "channel", "lab",
];

/// Speech verbs after a name (`Okafor said`, `Meta told`): people speak, but so do
/// organisations, so this is weak evidence.
#[rustfmt::skip]
const SPEECH_VERBS: &[&str] = &[
    "said", "says", "told", "tells", "added", "adds", "explained", "explains", "stated", "noted",
    "wrote", "writes", "argued", "insisted", "warned", "declared", "replied", "responded",
    "commented", "recalled", "stressed", "testified", "acknowledged", "asserted", "tweeted",
    "asked", "urged", "believes", "thinks", "dijo", "afirmó", "declaró", "aseguró", "explicó",
    "señaló", "añadió", "dit", "affirme", "explique", "ajoute", "sagte", "erklärte", "betonte",
];

/// Roles that end a run of capitalised words without being part of the name
/// before them: `the Netflix CEO`.
#[rustfmt::skip]
const TRAILING_ROLES: &[&str] = &[
    "ceo", "cfo", "coo", "cto", "chairman", "chairwoman", "founder", "co-founder", "cofounder",
    "spokesperson", "spokesman", "spokeswoman", "president", "director", "executive", "chief",
    "minister", "secretary", "senator", "mayor", "governor", "commissioner", "ambassador",
    "premier",
];

/// Words that head an institution's or a place's name and take `of` or `for`:
/// `University of Oxford`, `Department for Education`, `Gulf of Mexico`.
#[rustfmt::skip]
const TAKES_OF: &[&str] = &[
    "University", "College", "Institute", "School", "Academy", "Bank", "Ministry", "Department",
    "Office", "Board", "Council", "Court", "Commission", "Committee", "Agency", "Bureau",
    "Authority", "Federation", "Association", "Society", "Union", "League", "Church", "Museum",
    "Republic", "Kingdom", "Commonwealth", "States", "House", "Chamber", "Centre", "Center",
    "Organisation", "Organization", "Party", "Embassy", "Corporation", "Fund", "Foundation",
    "Trust", "Tribunal", "Parliament", "Assembly", "Hospital", "Gulf", "Isle", "Bay", "Sea",
    "Lake", "Cape", "Port", "City", "Strait", "Province", "County", "District", "Islands",
    "Campaign", "Coalition", "Alliance", "Order", "Guild",
];

/// The last word of an organisation's name (`Federal Trade Commission`, `Meta
/// Platforms`); legal forms are in [`LEGAL_SUFFIXES`].
#[rustfmt::skip]
const ORGANIZATION_SUFFIXES: &[&str] = &[
    "Group", "Platforms", "Technologies", "Technology", "Systems", "Software", "Labs",
    "Laboratories", "Pharmaceuticals", "Pharma", "Therapeutics", "Biotech", "Motors", "Airlines",
    "Airways", "Bank", "Bancorp", "Capital", "Partners", "Ventures", "Investments", "Fund",
    "Trust", "Insurance", "Securities", "Financial", "Energy", "Petroleum", "Mining", "Steel",
    "Industries", "Enterprises", "International", "Solutions", "Services", "Networks",
    "Communications", "Telecom", "Media", "Entertainment", "Studios", "Pictures", "Records",
    "Games", "Publishing", "Press", "News", "Times", "Post", "Herald", "Journal", "Gazette",
    "Tribune", "Chronicle", "Telegraph", "Magazine", "Radio", "Television", "Broadcasting",
    "Agency", "Commission", "Committee", "Ministry", "Department", "Office", "Bureau",
    "Administration", "Authority", "Board", "Council", "Court", "Tribunal", "Parliament",
    "Assembly", "Senate", "Congress", "Party", "Union", "Federation", "Association", "Society",
    "League", "Club", "FC", "Foundation", "Institute", "Institution", "University", "College",
    "School", "Academy", "Hospital", "Clinic", "Museum", "Organisation", "Organization",
    "Coalition", "Alliance", "Army", "Navy", "Police", "Force", "Forces", "Guard", "Service",
    "Church", "Brothers", "Bros", "Associates", "Consulting", "Stores", "Foods", "Brands",
    "Logistics", "Reserve", "Exchange", "Initiative", "Charity", "Watch", "Affairs",
    "Development", "Cooperative", "Corps", "Division", "Patrol", "Collective", "Directorate",
    "Secretariat", "Inspectorate", "Guild", "Railways", "Railway", "Transit", "Freight",
    "Shipping", "Sciences", "Research", "Healthcare", "Aerospace", "Chemicals", "Electronics",
    "Semiconductor", "Semiconductors", "Robotics", "Analytics", "Resources", "Utilities",
    "Hotels", "Resorts", "Farms", "Athletic", "Rovers", "Wanderers", "Hotspur", "United",
    "Rangers", "Albion", "Biosciences", "Diagnostics", "Devices", "Instruments",
    "Management", "Advisors", "Advisers", "Properties", "Realty", "Homes", "Construction",
    "Engineering", "Automotive", "Beverages", "Brewing", "Brewery", "Markets", "Mutual",
    "Telecommunications", "Wireless", "Water", "Electric", "Railroad", "Workers", "Employees",
    "Laboratory", "Observatory", "Inquirer", "Statesman", "Zeitung", "Posten", "Tidning", "Dagblad",
    "Courant", "Examiner", "Observer", "Standard", "Mercury", "Sentinel", "Dispatch", "Bulletin", "FF",
    "IF", "BK", "FK", "SK", "IK", "AFC",
];

/// Legal forms, which a short name drops (`Meta Platforms Inc` is `Meta`).
#[rustfmt::skip]
const LEGAL_SUFFIXES: &[&str] = &[
    "Inc", "Inc.", "Incorporated", "Corp", "Corp.", "Corporation", "Co", "Co.", "Company", "Ltd",
    "Ltd.", "Limited", "LLC", "LLP", "PLC", "Plc", "plc", "GmbH", "AG", "SA", "SE", "NV", "BV",
    "Holdings", "SpA", "Srl", "SRL", "SAS", "SARL", "KG", "KGaA", "Oy", "Oyj", "AB", "ASA", "ApS",
    "Pty", "Pvt", "Bhd", "Ltda", "PLLC", "LP", "SAE", "DAC", "Tbk", "SL", "SLU", "SAU", "JSC", "PJSC",
    "Pte", "Sdn", "KK", "Kft", "Zrt", "ULC",
];

/// Other words a short form of an organisation's name leaves out.
#[rustfmt::skip]
const DROPPABLE_SUFFIXES: &[&str] = &[
    "Group", "Platforms", "Technologies", "Systems", "International", "Club", "FC", "AFC", "Football",
    "Rugby", "Cricket",
];

/// The first word of an organisation's name (`University of X`, `Ministerio de X`).
#[rustfmt::skip]
const ORGANIZATION_HEADS: &[&str] = &[
    "University", "College", "Institute", "Ministry", "Department", "Bank", "Church", "Museum",
    "Office", "Board", "Agency", "Commission", "Committee", "Federation", "Association",
    "Society", "League", "Embassy", "Academy", "Ministerio", "Ministère", "Ministero",
    "Ministerium", "Banco", "Banque", "Universidad", "Université", "Universität",
    "Universidade", "Consejo", "Conseil", "Comisión", "Comité", "Instituto", "Institut",
    "Partido", "Parti", "Gobierno", "Ayuntamiento", "Junta", "Museo", "Musée", "Asamblea",
    "Assemblée", "Cámara", "Congreso", "Senado", "Corte", "Cour", "Fondation", "Fundación",
    "Fondazione", "Stiftung", "FC", "AFC", "AC", "SC", "SV", "CF", "Olympique", "Sporting",
    "Atlético", "Dynamo", "Dinamo", "Daily", "Grupo", "Gruppo", "Groupe", "Secretaría", "Secretaria",
    "Tribunal", "Tribunale", "Unión", "Unione", "Guardia", "Policía", "Polizia", "Fiscalía", "Procura",
    "Agencia", "Agenzia", "Agence", "Autoridad", "Autorità", "Autorité", "Servicio", "Servizio",
    "Sindicato", "Sindacato", "Syndicat", "Confederación", "Confederazione", "Confédération",
    "Federación", "Federazione", "Fédération", "Asociación", "Associazione", "Compañía", "Compagnia",
    "Compagnie", "Société", "Società", "Diario", "Gazeta", "Gazzetta", "Giornale", "Jornal", "IF",
    "IFK", "BK", "FK", "SK", "IK", "VfB", "VfL", "TSG", "TSV", "FSV", "SpVgg", "CD", "UD", "RCD", "SD",
    "NK", "HNK", "PFC",
];

/// The last word of a place's name (`Elm Street`, `Silicon Valley`, `Benin City`).
#[rustfmt::skip]
const PLACE_SUFFIXES: &[&str] = &[
    "Street", "St", "Road", "Rd", "Avenue", "Ave", "Boulevard", "Lane", "Drive", "Square",
    "Plaza", "Bridge", "Valley", "River", "Lake", "Mountains", "Hills", "Heights", "Island",
    "Islands", "Isles", "Peninsula", "Coast", "Beach", "Bay", "Harbour", "Harbor", "Sea",
    "Ocean", "Gulf", "Strait", "Canal", "Desert", "Forest", "County", "Province", "Region",
    "District", "Territory", "City", "Town", "Village", "Borough", "Township", "Airport",
    "Station", "House", "Park", "Market", "Stadium", "Arena", "Gardens", "Quay", "Wharf", "Pier",
    "Palace", "Castle", "Cathedral", "Abbey", "Hauptbahnhof", "Bahnhof",
];

/// The first word of a place's name (`Mount Everest`, `Place Saint-André`).
#[rustfmt::skip]
const PLACE_HEADS: &[&str] = &[
    "Mount", "Mt", "Lake", "Cape", "Fort", "Isle", "Gulf", "Place", "Rue", "Plaza", "Piazza",
    "Calle", "Avenida", "Plaça", "San", "Santa", "São", "Port", "River",
];

/// Abbreviations followed by a full stop that does not end the sentence.
pub(super) fn is_dotted_abbreviation(word: &str) -> bool {
    // The titles every sentence splitter knows, written as before a name (`Cpl`),
    // and a few only names need.
    let bytes = word.as_bytes();
    let mut lower = [0u8; 4];
    let titled = bytes.len() >= 2
        && bytes[0].is_ascii_uppercase()
        && bytes[1..].iter().all(u8::is_ascii_lowercase)
        && lower.get_mut(..bytes.len()).is_some_and(|lower| {
            lower.copy_from_slice(bytes);
            lower[0] = lower[0].to_ascii_lowercase();
            std::str::from_utf8(lower).is_ok_and(crate::abbreviation::is_title)
        });
    titled || matches!(word, "Mx" | "Mt" | "Ft" | "Const" | "Mme" | "Mlle" | "Messrs" | "Fr")
}

/// Words after a name that end it without being part of it: `Jr`, `III`.
pub(super) fn is_name_suffix(word: &str) -> bool {
    matches!(word, "Jr" | "Sr" | "II" | "III" | "IV")
}

/// Name particles, lowercase inside a name: `Charles de Gaulle`, `Ursula von der
/// Leyen`, `Mohammed bin Salman`.
pub(super) fn is_particle(lower: &str) -> bool {
    matches!(
        lower,
        "de" | "del"
            | "della"
            | "der"
            | "den"
            | "van"
            | "von"
            | "du"
            | "da"
            | "di"
            | "dos"
            | "das"
            | "do"
            | "bin"
            | "ibn"
            | "al"
            | "y"
    )
}

/// A second particle after the first: `de la`, `von der`, `of the`.
pub(super) fn is_second_particle(lower: &str) -> bool {
    matches!(lower, "la" | "le" | "les" | "los" | "las" | "der" | "den" | "the")
}

/// What a hyphenated suffix says of the name before it: `California-based` (a
/// place), `Kremlin-backed` (an organisation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum HyphenCue {
    None,
    Place,
    Organization,
}

pub(super) fn hyphen_cue(suffix: &str) -> HyphenCue {
    match suffix {
        "based" | "born" | "headquartered" | "registered" | "incorporated" | "domiciled" => HyphenCue::Place,
        "owned" | "backed" | "funded" | "listed" | "brokered" | "run" | "controlled" | "sponsored"
        | "affiliated" | "operated" | "linked" | "led" => HyphenCue::Organization,
        _ => HyphenCue::None,
    }
}

/// Words a speaker is called by when speaking for an organisation: `A Meta
/// spokesperson`, `Meta's press office`.
pub(super) fn is_spokes_word(lower: &str) -> bool {
    matches!(
        lower,
        "spokesperson"
            | "spokesman"
            | "spokeswoman"
            | "spokespeople"
            | "spokespersons"
            | "representative"
            | "representatives"
            | "statement"
            | "official"
            | "officials"
            | "press"
            | "office"
    )
}
