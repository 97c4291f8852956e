//! Loading a policy from a file path, following `extends` through other
//! files. This is the one place where `fupin-core` reads files: the CLI and
//! the Python package share it, so a policy file means the same to both.

use std::path::{Path, PathBuf};

use super::{BUILTIN_NAMES, Policy};
use crate::error::PolicyError;

/// Loads `--policy NAME|FILE`: a built-in name, or a TOML file whose
/// `extends` may name a built-in or another file (relative to the file that
/// names it). An unreadable file is [`PolicyError::UnknownPolicy`] with the
/// reason; a cycle of files is [`PolicyError::ExtendsCycle`].
pub fn load(name_or_path: &str) -> Result<Policy, PolicyError> {
    if BUILTIN_NAMES.contains(&name_or_path) {
        return Policy::builtin(name_or_path);
    }
    load_file(Path::new(name_or_path), &mut Vec::new())
}

fn load_file(path: &Path, seen: &mut Vec<PathBuf>) -> Result<Policy, PolicyError> {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if seen.contains(&canonical) {
        return Err(PolicyError::ExtendsCycle {
            policy: path.display().to_string(),
            name: path.display().to_string(),
        });
    }
    seen.push(canonical.clone());
    let text = std::fs::read_to_string(path).map_err(|e| PolicyError::UnknownPolicy {
        name: format!("{} ({e})", path.display()),
    })?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let result = Policy::from_toml_str_with(&text, &canonical.display().to_string(), &mut |name| {
        if BUILTIN_NAMES.contains(&name) {
            Policy::builtin(name)
        } else {
            load_file(&dir.join(name), seen)
        }
    });
    seen.pop();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_may_extend_another_file_next_to_it() {
        let dir = std::env::temp_dir().join(format!("fupin-policy-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("base.toml"),
            "name = \"base\"\nextends = \"ningxia-2020\"\n[parameters.\"backstop.annual_self_pay_cap\"]\nvalues = { \"2014-01-01\" = \"4000\" }\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("top.toml"),
            "name = \"top\"\nextends = \"base.toml\"\n",
        )
        .unwrap();
        let p = load(dir.join("top.toml").to_str().unwrap()).unwrap();
        let d = crate::date::parse_date("2020-06-30").unwrap();
        assert_eq!(
            p.lookup("backstop.annual_self_pay_cap", d)
                .unwrap()
                .value
                .to_string(),
            "4000"
        );
        std::fs::write(dir.join("a.toml"), "name = \"a\"\nextends = \"b.toml\"\n").unwrap();
        std::fs::write(dir.join("b.toml"), "name = \"b\"\nextends = \"a.toml\"\n").unwrap();
        assert!(matches!(
            load(dir.join("a.toml").to_str().unwrap()),
            Err(PolicyError::ExtendsCycle { .. })
        ));
        assert!(matches!(
            load(dir.join("missing.toml").to_str().unwrap()),
            Err(PolicyError::UnknownPolicy { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
