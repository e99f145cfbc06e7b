//! "Did you mean" for every id lookup: templates, phases, parameters, functions, log fields.

/// Largest edit distance accepted as a near miss, relative to the word: a third of its length,
/// at least 1 and at most 3. Longer distances suggest unrelated words (`bridge` for `bird_dog`).
fn threshold(word: &str) -> usize {
    (word.chars().count() / 3).clamp(1, 3)
}

/// The closest candidate within the threshold, ties broken by candidate order.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // A near miss is at most 3 edits away, so a word far longer than any id has none: skip the
    // quadratic edit distance on a hostile 10 MB word.
    if word.len() > super::MAX_QUOTED_CHARS * 4 {
        return None;
    }
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = strsim::damerau_levenshtein(&word.to_lowercase(), &c.to_lowercase());
        if d <= threshold(word) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// The help line for an unknown id: a near miss, or else the available values (at most five,
/// as cedar does, so the line stays readable).
pub fn help_for<'a>(word: &str, what: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> Option<String> {
    if let Some(s) = did_you_mean(word, candidates.clone()) {
        return Some(format!("did you mean `{s}`?"));
    }
    let all: Vec<&str> = candidates.into_iter().collect();
    if all.is_empty() {
        return None;
    }
    let shown: Vec<String> = all.iter().take(5).map(|c| format!("`{c}`")).collect();
    let more = if all.len() > 5 { format!(" and {} more", all.len() - 5) } else { String::new() };
    Some(format!("{what}: {}{more}", shown.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_miss_is_suggested() {
        assert_eq!(did_you_mean("pian", ["pain", "fatigue"]), Some("pain"));
        assert_eq!(did_you_mean("brige", ["bridge", "bird_dog"]), Some("bridge"));
    }

    #[test]
    fn unrelated_word_is_not_suggested() {
        assert_eq!(did_you_mean("swimming", ["bridge", "clamshell"]), None);
    }

    #[test]
    fn lists_at_most_five_values() {
        let h = help_for("zz", "known values", ["a1", "b2", "c3", "d4", "e5", "f6", "g7"]).unwrap();
        assert_eq!(h, "known values: `a1`, `b2`, `c3`, `d4`, `e5` and 2 more");
    }
}
