//! Readable, unique names from project names: Terraform identifiers
//! (`prod_shop_datadog`) and Kubernetes object names (`prod-shop-datadog`).
//!
//! A name is the project's slug and the type. When two projects slug alike, the later one
//! (in the order the projects are given) gets the last six digits of its project id as well,
//! then a number if even that is taken. The same input in the same order gives the same
//! names.

use std::collections::HashSet;

use atlas_registry::IntegrationKind;

/// How a format spells names.
#[derive(Clone, Copy)]
pub(crate) struct NameStyle {
    separator: char,
    /// Longest slug kept of a project name: room for the type, an id suffix and a number.
    max_slug: usize,
    /// Whether a name must start with a letter or `_` (HCL identifiers).
    letter_first: bool,
}

/// HCL identifiers: letters, digits, `_` and `-`, not starting with a digit. Only lowercase
/// ASCII, digits and `_` are used.
pub(crate) const TERRAFORM: NameStyle = NameStyle {
    separator: '_',
    max_slug: 40,
    letter_first: true,
};

/// RFC 1123 labels (what Kubernetes asks of most names): lowercase ASCII letters, digits and
/// `-`, starting and ending with a letter or digit, 63 characters at most. 24 + `-` + six id
/// digits + `-microsoft-teams` + `-credentials` + a two-digit number stays within 63.
pub(crate) const KUBERNETES: NameStyle = NameStyle {
    separator: '-',
    max_slug: 24,
    letter_first: false,
};

impl NameStyle {
    /// The project name's words (runs of ASCII letters and digits) in lowercase, joined by
    /// the separator, as many whole words as fit. Letters outside ASCII are dropped (no
    /// transliteration): a name with none left is `project` and its id digits.
    pub(crate) fn slug(self, project_name: &str, group_id: &str) -> String {
        let mut words: Vec<String> = Vec::new();
        let mut in_word = false;
        let mut letters = 0;
        for c in project_name.chars() {
            if c.is_ascii_alphanumeric() {
                if !in_word {
                    if letters > self.max_slug {
                        break;
                    }
                    words.push(String::new());
                }
                in_word = true;
                letters += 1;
                if let Some(word) = words.last_mut() {
                    word.push(c.to_ascii_lowercase());
                }
            } else {
                in_word = false;
            }
        }
        let mut slug = String::new();
        for word in &words {
            let needed = word.len() + usize::from(!slug.is_empty());
            if slug.len() + needed > self.max_slug {
                break;
            }
            if !slug.is_empty() {
                slug.push(self.separator);
            }
            slug.push_str(word);
        }
        if slug.is_empty() {
            if let Some(first) = words.first() {
                // One word longer than the room: cut.
                slug = first.chars().take(self.max_slug).collect();
            } else {
                slug = format!("project{}{}", self.separator, id_suffix(group_id));
            }
        }
        if self.letter_first && slug.starts_with(|c: char| c.is_ascii_digit()) {
            slug.insert_str(0, &format!("project{}", self.separator));
        }
        slug
    }

    /// `pager_duty` or `pager-duty`.
    pub(crate) fn kind(self, kind: IntegrationKind) -> String {
        kind.as_wire()
            .to_ascii_lowercase()
            .replace('_', &self.separator.to_string())
    }
}

/// The last six hex digits of a project id: enough to tell apart two projects of one name.
fn id_suffix(group_id: &str) -> &str {
    group_id
        .get(group_id.len().saturating_sub(6)..)
        .unwrap_or(group_id)
}

/// The names given so far (in one format's namespace), so that none is given twice.
#[derive(Default)]
pub(crate) struct UniqueNames {
    taken: HashSet<String>,
}

impl UniqueNames {
    /// Claims a name that is taken nowhere else, so no generated name can use it.
    pub(crate) fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }

    /// `<slug><sep><type>`, else `<slug><sep><id6><sep><type>`, else that with `<sep>2`,
    /// `<sep>3`… .
    pub(crate) fn for_integration(
        &mut self,
        style: NameStyle,
        project_name: &str,
        group_id: &str,
        kind: IntegrationKind,
    ) -> String {
        let sep = style.separator;
        let slug = style.slug(project_name, group_id);
        let kind = style.kind(kind);
        let plain = format!("{slug}{sep}{kind}");
        if self.taken.insert(plain.clone()) {
            return plain;
        }
        let with_id = format!("{slug}{sep}{}{sep}{kind}", id_suffix(group_id));
        self.numbered(with_id, sep)
    }

    /// `base`, else `base<sep>2`, `base<sep>3`… .
    pub(crate) fn numbered(&mut self, base: String, sep: char) -> String {
        if self.taken.insert(base.clone()) {
            return base;
        }
        let mut n = 2u64;
        loop {
            let candidate = format!("{base}{sep}{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID_A: &str = "6a79404f2c88faeba59beea6";
    const ID_B: &str = "6a79404f2c88faeba59bf001";

    #[test]
    fn slugs_are_readable_and_legal() {
        assert_eq!(TERRAFORM.slug("Prod Shop (EU)", ID_A), "prod_shop_eu");
        assert_eq!(KUBERNETES.slug("Prod Shop (EU)", ID_A), "prod-shop-eu");
        assert_eq!(TERRAFORM.slug("  --x--  ", ID_A), "x");
        assert_eq!(TERRAFORM.slug("2024 launch", ID_A), "project_2024_launch");
        assert_eq!(KUBERNETES.slug("2024 launch", ID_A), "2024-launch");
        assert_eq!(TERRAFORM.slug("本番", ID_A), "project_9beea6");
        assert_eq!(
            KUBERNETES.slug("\"${x}\"\n<img onerror=y>", ID_A),
            "x-img-onerror-y"
        );
        let long = "a".repeat(100) + " b";
        assert_eq!(TERRAFORM.slug(&long, ID_A).len(), 40);
        assert_eq!(
            KUBERNETES.slug(&"ab-".repeat(20), ID_A),
            "ab-ab-ab-ab-ab-ab-ab-ab"
        );
        assert_eq!(
            KUBERNETES.kind(IntegrationKind::MicrosoftTeams),
            "microsoft-teams"
        );
        assert_eq!(TERRAFORM.kind(IntegrationKind::PagerDuty), "pager_duty");
    }

    #[test]
    fn collisions_get_the_id_then_a_number() {
        let mut names = UniqueNames::default();
        let kind = IntegrationKind::Datadog;
        let name = |names: &mut UniqueNames, project: &str, id: &str| {
            names.for_integration(TERRAFORM, project, id, kind)
        };
        assert_eq!(name(&mut names, "Prod", ID_A), "prod_datadog");
        assert_eq!(name(&mut names, "prod!", ID_B), "prod_9bf001_datadog");
        assert_eq!(name(&mut names, "PROD", ID_B), "prod_9bf001_datadog_2");
        assert_eq!(name(&mut names, "PROD", ID_B), "prod_9bf001_datadog_3");
        names.reserve("conn");
        assert_eq!(names.numbered("conn".into(), '-'), "conn-2");
    }
}
