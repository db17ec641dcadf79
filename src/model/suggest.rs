//! "Did you mean …?" for near-miss ids and field names.

/// The candidate closest to `word`, if it is close enough to be a typo:
/// Jaro-Winkler similarity of at least 0.8, or a single edit away.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        if candidate == word {
            continue;
        }
        let edits = strsim::levenshtein(word, candidate);
        let score = if edits <= 1 {
            1.0 + (1.0 - edits as f64)
        } else {
            strsim::jaro_winkler(word, candidate)
        };
        if score >= 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `did you mean `x`?` when there is a near miss.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    suggest(word, candidates).map(|s| format!("did you mean `{s}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_not_strangers() {
        let ids = ["high-risk", "medium-risk", "crisis", "idva"];
        assert_eq!(suggest("high-rsk", ids), Some("high-risk"));
        assert_eq!(suggest("highrisk", ids), Some("high-risk"));
        assert_eq!(suggest("idvaa", ids), Some("idva"));
        assert_eq!(suggest("refuge", ids), None);
    }

    #[test]
    fn prefers_one_edit_over_a_similar_prefix() {
        assert_eq!(
            suggest("cohort", ["cohorts", "cohort_shares"]),
            Some("cohorts")
        );
    }
}
