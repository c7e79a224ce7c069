//! Templates in string values: `{{ env.NAME }}` reads an environment variable and
//! `{{ vars.key }}` a `--var key=value`. Undefined values are errors (strict mode), so a
//! missing variable never turns into an empty agent id; `default(...)` gives a fallback.
//!
//! The environment is looked up lazily, name by name, so it is never copied into the
//! template context, and the API key is withheld unless the caller allows it by name.

use std::collections::BTreeSet;
use std::sync::Arc;

use indexmap::IndexMap;
use minijinja::value::{Enumerator, Object, Value as JinjaValue};
use minijinja::{Environment, UndefinedBehavior};
use serde_json::Value;

use super::positions::Anchor;
use super::{Finding, LoadOptions};

/// Environment variables that hold secrets and are withheld from templates by default.
pub const WITHHELD_ENV: &[&str] = &["HAMMING_API_KEY"];

/// Bounds the work one template may do, so a pathological loop cannot hang `validate`.
const FUEL: u64 = 50_000;

/// `env`: environment variables, looked up one name at a time.
#[derive(Debug)]
struct EnvObject {
    allowed_secrets: Vec<String>,
    /// Allowed secrets that a template actually read, so that reports can mask their values.
    secrets_read: std::sync::Mutex<BTreeSet<String>>,
}

impl EnvObject {
    fn is_withheld(&self, name: &str) -> bool {
        WITHHELD_ENV.contains(&name) && !self.allowed_secrets.iter().any(|a| a == name)
    }
}

impl Object for EnvObject {
    fn get_value(self: &Arc<Self>, key: &JinjaValue) -> Option<JinjaValue> {
        let name = key.as_str()?;
        if self.is_withheld(name) {
            return None;
        }
        let value = std::env::var(name).ok()?;
        if WITHHELD_ENV.contains(&name)
            && let Ok(mut read) = self.secrets_read.lock()
        {
            read.insert(name.to_owned());
        }
        Some(JinjaValue::from(value))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::NonEnumerable
    }
}

/// `vars`: the `--var key=value` pairs.
#[derive(Debug)]
struct VarsObject {
    vars: IndexMap<String, String>,
}

impl Object for VarsObject {
    fn get_value(self: &Arc<Self>, key: &JinjaValue) -> Option<JinjaValue> {
        self.vars
            .get(key.as_str()?)
            .map(|v| JinjaValue::from(v.as_str()))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::NonEnumerable
    }
}

/// One step of a path through the document.
enum Segment<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

/// The JSON pointer of a visited node, from its chain of parents.
fn pointer_of(visited: &[(usize, Segment<'_>)], at: usize) -> String {
    let mut chain = Vec::new();
    let mut current = at;
    while let Some((parent, segment)) = visited.get(current) {
        match segment {
            Segment::Root => break,
            Segment::Key(key) => chain.push(crate::suite::resolve::escape_pointer(key)),
            Segment::Index(i) => chain.push(i.to_string()),
        }
        current = *parent;
    }
    chain
        .iter()
        .rev()
        .fold(String::new(), |mut pointer, segment| {
            pointer.push('/');
            pointer.push_str(segment);
            pointer
        })
}

/// Renders the templates in a document.
pub struct Renderer {
    env: Environment<'static>,
    context: JinjaValue,
    secrets: Arc<EnvObject>,
    vars: IndexMap<String, String>,
}

impl Renderer {
    pub fn new(options: &LoadOptions) -> Self {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_fuel(Some(FUEL));
        // Values are plain text, not HTML.
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        let secrets = Arc::new(EnvObject {
            allowed_secrets: options.allow_secret_env.clone(),
            secrets_read: std::sync::Mutex::default(),
        });
        let context = minijinja::context! {
            env => JinjaValue::from_dyn_object(secrets.clone()),
            vars => JinjaValue::from_object(VarsObject { vars: options.vars.clone() }),
        };
        Self {
            env,
            context,
            secrets,
            vars: options.vars.clone(),
        }
    }

    /// Renders every string value in place and returns the problems, each with its pointer.
    pub fn render_document(&self, value: &mut Value) -> Vec<Finding> {
        let mut findings = Vec::new();
        // An explicit stack rather than recursion: depth is already bounded by the parser,
        // but this keeps the walk cheap either way. Each container and template visited is
        // remembered as its parent and its own segment, so that a pointer is written out
        // only for a template that fails, not for every value of the document.
        let mut visited: Vec<(usize, Segment<'_>)> = vec![(0, Segment::Root)];
        let mut stack: Vec<(usize, &mut Value)> = vec![(0, value)];
        let worth_a_visit = |value: &Value| match value {
            Value::String(text) => is_template(text),
            Value::Array(_) | Value::Object(_) => true,
            _ => false,
        };
        while let Some((at, node)) = stack.pop() {
            match node {
                Value::String(text) if is_template(text) => match self.render(text) {
                    Ok(rendered) => *text = rendered,
                    Err(problem) => findings.push(problem.at(pointer_of(&visited, at))),
                },
                Value::Array(items) => {
                    for (i, item) in items.iter_mut().enumerate() {
                        if worth_a_visit(item) {
                            visited.push((at, Segment::Index(i)));
                            stack.push((visited.len() - 1, item));
                        }
                    }
                }
                Value::Object(map) => {
                    for (key, item) in map.iter_mut() {
                        if worth_a_visit(item) {
                            visited.push((at, Segment::Key(key)));
                            stack.push((visited.len() - 1, item));
                        }
                    }
                }
                _ => {}
            }
        }
        findings.sort_by(|a, b| a.pointer.cmp(&b.pointer));
        findings
    }

    /// Names of the withheld environment variables that templates read because the caller
    /// allowed them; their values must be masked in any output.
    pub fn secrets_read(&self) -> Vec<String> {
        self.secrets
            .secrets_read
            .lock()
            .map(|read| read.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Renders one string.
    pub fn render(&self, text: &str) -> Result<String, TemplateProblem> {
        let template = self
            .env
            .template_from_str(text)
            .map_err(|err| TemplateProblem {
                message: format!("invalid template: {}", describe(&err)),
                hint: "templates use `{{ env.NAME }}` and `{{ vars.key }}`; check the braces and quotes".into(),
                variable: None,
            })?;
        let referenced = template.undeclared_variables(true);
        for name in &referenced {
            if let Some(var) = name.strip_prefix("env.")
                && self.secrets.is_withheld(var)
            {
                return Err(TemplateProblem {
                    message: format!("`env.{var}` is withheld from templates"),
                    hint: format!(
                        "the runner reads `{var}` itself, so the suite file never needs it; to pass it on anyway, add `--allow-env-secret {var}`"
                    ),
                    variable: Some(name.clone()),
                });
            }
        }
        let rendered = template.render(&self.context).map_err(|err| {
            match self.first_missing(&referenced) {
                Some(problem) => problem,
                None => TemplateProblem {
                    message: format!("template failed: {}", describe(&err)),
                    hint: "templates see `env.NAME` and `vars.key`; give optional values a fallback with `| default(\"…\")`".into(),
                    variable: None,
                },
            }
        })?;
        self.refuse_withheld_value(&rendered, &referenced)?;
        Ok(rendered)
    }

    /// A withheld secret may not reach the suite through another variable (`env.COPY` that
    /// holds the key's value, or `--var`): such a value could be sent to Hamming in a field.
    fn refuse_withheld_value(
        &self,
        rendered: &str,
        referenced: &std::collections::HashSet<String>,
    ) -> Result<(), TemplateProblem> {
        for name in WITHHELD_ENV {
            if !self.secrets.is_withheld(name) {
                continue;
            }
            let Some(secret) = std::env::var(name).ok().filter(|v| v.trim().len() >= 8) else {
                continue;
            };
            if rendered.contains(secret.trim()) {
                let mut sorted: Vec<&String> = referenced.iter().collect();
                sorted.sort();
                return Err(TemplateProblem {
                    message: format!(
                        "this value holds the value of `{name}`, read through another variable"
                    ),
                    hint: format!(
                        "`{name}` is withheld from templates under any name, so that it is never sent to Hamming in a suite field; remove it from the variable this template reads"
                    ),
                    variable: sorted.first().map(|v| (*v).clone()),
                });
            }
        }
        Ok(())
    }

    /// Names the first variable a failed template referenced that has no value.
    fn first_missing(
        &self,
        referenced: &std::collections::HashSet<String>,
    ) -> Option<TemplateProblem> {
        let sorted: BTreeSet<&String> = referenced.iter().collect();
        for name in sorted {
            if let Some(var) = name.strip_prefix("env.") {
                if std::env::var_os(var).is_none() {
                    return Some(TemplateProblem {
                        message: format!("undefined variable `env.{var}`"),
                        hint: format!(
                            "set the environment variable `{var}`, or give a fallback: `{{{{ env.{var} | default(\"…\") }}}}`"
                        ),
                        variable: Some(name.clone()),
                    });
                }
            } else if let Some(key) = name.strip_prefix("vars.") {
                if !self.vars.contains_key(key) {
                    return Some(TemplateProblem {
                        message: format!("undefined variable `vars.{key}`"),
                        hint: format!(
                            "pass `--var {key}=<value>`, or give a fallback: `{{{{ vars.{key} | default(\"…\") }}}}`"
                        ),
                        variable: Some(name.clone()),
                    });
                }
            } else if name != "env"
                && name != "vars"
                && !self
                    .env
                    .globals()
                    .any(|(global, _)| global == name.as_str())
            {
                return Some(TemplateProblem {
                    message: format!("undefined variable `{name}`"),
                    hint: format!(
                        "templates see `env.NAME` (environment variables) and `vars.key` (`--var key=value`); did you mean `env.{name}` or `vars.{name}`?"
                    ),
                    variable: Some(name.clone()),
                });
            }
        }
        None
    }
}

/// Whether a string contains template syntax; plain strings are left untouched.
fn is_template(text: &str) -> bool {
    text.contains("{{") || text.contains("{%") || text.contains("{#")
}

/// A minijinja error as a lowercase fragment, without its debug dump.
fn describe(err: &minijinja::Error) -> String {
    let detail = err
        .detail()
        .map(str::to_owned)
        .unwrap_or_else(|| err.kind().to_string());
    let mut chars = detail.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "unknown error".into(),
    }
}

/// Why one template did not render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateProblem {
    pub message: String,
    pub hint: String,
    /// The variable at fault, as written in the template.
    pub variable: Option<String>,
}

impl TemplateProblem {
    fn at(self, pointer: String) -> Finding {
        let field = super::schema_words::dotted(&pointer);
        Finding {
            message: format!("{} in `{field}`", self.message),
            pointer,
            anchor: Anchor::Value,
            focus: self.variable,
            hint: Some(self.hint),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renderer(vars: &[(&str, &str)], allow: &[&str]) -> Renderer {
        Renderer::new(&LoadOptions {
            vars: vars
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            allow_secret_env: allow.iter().map(|s| (*s).to_owned()).collect(),
            today: None,
        })
    }

    #[test]
    fn renders_vars_and_environment_variables() {
        let r = renderer(&[("region", "eu")], &[]);
        assert_eq!(r.render("{{ vars.region }}-x").unwrap(), "eu-x");
        // PATH is set in every test environment.
        let path = std::env::var("PATH").unwrap();
        assert_eq!(r.render("{{ env.PATH }}").unwrap(), path);
    }

    #[test]
    fn names_undefined_variables() {
        let r = renderer(&[], &[]);
        let err = r.render("{{ env.HR_TEST_SURELY_UNSET_1 }}").unwrap_err();
        assert_eq!(
            err.message,
            "undefined variable `env.HR_TEST_SURELY_UNSET_1`"
        );
        let err = r.render("a {{ vars.region }}").unwrap_err();
        assert_eq!(err.message, "undefined variable `vars.region`");
        assert!(err.hint.contains("--var region=<value>"));
        let err = r.render("{{ region }}").unwrap_err();
        assert_eq!(err.message, "undefined variable `region`");
    }

    #[test]
    fn default_gives_a_fallback_in_strict_mode() {
        let r = renderer(&[], &[]);
        assert_eq!(
            r.render("{{ env.HR_TEST_SURELY_UNSET_2 | default(\"cmc1\") }}")
                .unwrap(),
            "cmc1"
        );
        assert_eq!(r.render("{{ vars.x | default(\"y\") }}").unwrap(), "y");
    }

    #[test]
    fn withholds_the_api_key_unless_allowed() {
        let err = renderer(&[], &[])
            .render("{{ env.HAMMING_API_KEY }}")
            .unwrap_err();
        assert_eq!(
            err.message,
            "`env.HAMMING_API_KEY` is withheld from templates"
        );
        assert!(err.hint.contains("--allow-env-secret HAMMING_API_KEY"));
        // Subscript access cannot reach it either.
        assert!(
            renderer(&[], &[])
                .render("{{ env['HAMMING_API_KEY'] }}")
                .is_err()
        );
        // Allowed by name: the lookup goes through (the variable may still be unset).
        let allowed = renderer(&[], &["HAMMING_API_KEY"]);
        let result = allowed.render("{{ env.HAMMING_API_KEY | default(\"none\") }}");
        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn leaves_plain_strings_alone_and_reports_syntax_errors() {
        let r = renderer(&[], &[]);
        let mut doc = serde_json::json!({"a": "plain {x}", "b": ["{{ vars.v | default('1') }}"], "c": "{{ oops"});
        let findings = r.render_document(&mut doc);
        assert_eq!(doc["a"], "plain {x}");
        assert_eq!(doc["b"][0], "1");
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].pointer, "/c");
        assert!(
            findings[0].message.starts_with("invalid template"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn runaway_templates_are_stopped() {
        let r = renderer(&[], &[]);
        let err = r
            .render(
                "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
            )
            .unwrap_err();
        assert!(
            err.message.starts_with("template failed"),
            "{}",
            err.message
        );
    }
}
