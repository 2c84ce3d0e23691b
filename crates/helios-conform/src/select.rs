//! Selectors: which cases and behaviour groups a run takes (`--only`, a replay's or a
//! confirmation's case id), decided the same way for a run and for `--list`, and the nearest
//! ids when a selector matches nothing.

use helios_spec::Function;

/// Whether `--only` (a substring of the id or the function's path) and an exact case id select
/// the case `id` of `function`.
pub fn case(only: Option<&str>, exact: Option<&str>, id: &str, function: &Function) -> bool {
    if let Some(only) = only
        && !id.contains(only)
        && !function.path.contains(only)
    {
        return false;
    }
    exact.is_none_or(|exact| exact == id)
}

/// Whether `--only` and an exact case id select the behaviour group whose case ids start with
/// `group`: a selector naming one of its cases, or a part of its id.
pub fn group(only: Option<&str>, exact: Option<&str>, group: &str) -> bool {
    let matches = |wanted: &str| wanted.starts_with(group) || group.contains(wanted);
    only.is_none_or(matches) && exact.is_none_or(matches)
}

/// The `count` candidates nearest to `wanted` (case ids, function paths), nearest first: by
/// edit distance to the candidate, to its beginning as long as `wanted`, or to its closest
/// part; none further than half of `wanted` (a selector near nothing gets no suggestion).
pub fn nearest<'c>(wanted: &str, candidates: &[&'c str], count: usize) -> Vec<&'c str> {
    let distance = |candidate: &str| {
        let whole = strsim::levenshtein(wanted, candidate);
        let beginning: String = candidate.chars().take(wanted.chars().count()).collect();
        let parts = candidate
            .split(['.', '/', '_', '-'])
            .map(|part| strsim::levenshtein(wanted, part))
            .min()
            .unwrap_or(whole);
        whole
            .min(parts)
            .min(strsim::levenshtein(wanted, &beginning))
    };
    let furthest = (wanted.chars().count() / 2).max(2);
    let mut ranked: Vec<(usize, &str)> = candidates
        .iter()
        .map(|c| (distance(c), *c))
        .filter(|(d, _)| *d <= furthest)
        .collect();
    ranked.sort();
    ranked.dedup_by(|a, b| a.1 == b.1);
    ranked.into_iter().take(count).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_finds_what_it_meant() {
        let ids = [
            "switch_ctrl.get.ok",
            "io_ctrl.get.ok",
            "log_pull.get.ok",
            "timing.pull",
        ];
        assert_eq!(nearest("swtich", &ids, 1), ["switch_ctrl.get.ok"]);
        assert_eq!(nearest("tmiing", &ids, 1), ["timing.pull"]);
        assert!(nearest("zzzzzzzz", &ids, 3).is_empty());
    }

    #[test]
    fn groups_are_selected_by_a_part_of_their_id_or_one_of_their_cases() {
        assert!(group(Some("model"), None, "model.switch"));
        assert!(group(Some("model.switch.sequence"), None, "model.switch"));
        assert!(!group(Some("timing"), None, "model.switch"));
        assert!(group(None, Some("model.switch"), "model.switch"));
    }
}
