//! `tags:` in a suite: a plain list (the cases carrying any of the tags, sent to Hamming as
//! tag ids) or an expression over tags (`all`, `any`, `none`), which the runner resolves
//! through the catalog to explicit test cases before the run is created.
//!
//! The two shapes are told apart by hand rather than with `#[serde(untagged)]`, so that a
//! mistake inside an expression (an unknown key, a tag that is not text) is reported as that
//! mistake and not as "did not match any variant".

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// What `tags:` says.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum TagSelector {
    /// Cases carrying any of these tags (names or ids).
    List(Vec<String>),
    /// Cases matching an expression over tags.
    Expression(TagExpression),
}

/// Cases that carry every tag in `all`, at least one tag in `any` (when given), and no tag
/// in `none`. At least one of the three is required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("minProperties" = 1))]
pub struct TagExpression {
    /// Tags (names or ids) a case must all carry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1), inner(length(min = 1)), example = ["smoke-test", "billing"])]
    pub all: Option<Vec<String>>,

    /// Tags (names or ids) of which a case must carry at least one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1), inner(length(min = 1)), example = ["en-US", "es-US"])]
    pub any: Option<Vec<String>>,

    /// Tags (names or ids) a case must not carry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1), inner(length(min = 1)), example = ["slow"])]
    pub none: Option<Vec<String>>,
}

impl TagExpression {
    pub fn all(&self) -> &[String] {
        self.all.as_deref().unwrap_or_default()
    }

    pub fn any(&self) -> &[String] {
        self.any.as_deref().unwrap_or_default()
    }

    pub fn none(&self) -> &[String] {
        self.none.as_deref().unwrap_or_default()
    }

    /// Every tag the expression names, in the order written.
    pub fn named(&self) -> impl Iterator<Item = &String> {
        self.all().iter().chain(self.any()).chain(self.none())
    }

    /// Whether the expression names no tag at all.
    pub fn is_empty(&self) -> bool {
        self.named().next().is_none()
    }

    /// Whether a case matches, given a test of whether it carries a tag (as written).
    pub fn matches(&self, carries: impl Fn(&str) -> bool) -> bool {
        self.all().iter().all(|t| carries(t))
            && (self.any().is_empty() || self.any().iter().any(|t| carries(t)))
            && !self.none().iter().any(|t| carries(t))
    }
}

impl fmt::Display for TagExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = [
            ("all", self.all()),
            ("any", self.any()),
            ("none", self.none()),
        ]
        .into_iter()
        .filter(|(_, tags)| !tags.is_empty())
        .map(|(key, tags)| format!("{key}: [{}]", tags.join(", ")))
        .collect();
        write!(f, "{{ {} }}", parts.join(", "))
    }
}

impl<'de> Deserialize<'de> for TagSelector {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Shape;

        impl<'de> Visitor<'de> for Shape {
            type Value = TagSelector;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a list of tags, or a tag expression `{ all: [...], any: [...], none: [...] }`",
                )
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(TagSelector::List)
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                TagExpression::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(TagSelector::Expression)
            }
        }

        deserializer.deserialize_any(Shape)
    }
}

impl JsonSchema for TagSelector {
    fn schema_name() -> Cow<'static, str> {
        "TagSelector".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let expression = generator.subschema_for::<TagExpression>();
        schemars::json_schema!({
            "description": "A list of tags (the cases carrying any of them), or a tag expression with `all`, `any` and `none`.",
            "oneOf": [
                {
                    "description": "Cases carrying any of these tags, by tag name or tag id.",
                    "type": "array",
                    "minItems": 1,
                    "items": { "type": "string", "minLength": 1 },
                    "examples": [["smoke-test"]]
                },
                expression
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: serde_json::Value) -> Result<TagSelector, String> {
        serde_json::from_value(json).map_err(|e| e.to_string())
    }

    #[test]
    fn both_shapes_parse_and_mistakes_are_named() {
        assert_eq!(
            parse(serde_json::json!(["smoke"])),
            Ok(TagSelector::List(vec!["smoke".into()]))
        );
        assert_eq!(
            parse(serde_json::json!({ "all": ["a"], "none": ["b"] })),
            Ok(TagSelector::Expression(TagExpression {
                all: Some(vec!["a".into()]),
                any: None,
                none: Some(vec!["b".into()]),
            }))
        );
        let unknown = parse(serde_json::json!({ "nonee": ["b"] })).unwrap_err();
        assert!(unknown.contains("unknown field `nonee`"), "{unknown}");
        let scalar = parse(serde_json::json!("smoke")).unwrap_err();
        assert!(
            scalar.contains("a list of tags, or a tag expression"),
            "{scalar}"
        );
    }

    #[test]
    fn an_expression_combines_all_any_and_none() {
        let expression = TagExpression {
            all: Some(vec!["smoke".into()]),
            any: Some(vec!["en".into(), "es".into()]),
            none: Some(vec!["slow".into()]),
        };
        let case = |tags: &'static [&'static str]| move |t: &str| tags.contains(&t);
        assert!(expression.matches(case(&["smoke", "en"])));
        assert!(expression.matches(case(&["smoke", "es", "other"])));
        assert!(!expression.matches(case(&["smoke"])));
        assert!(!expression.matches(case(&["en", "es"])));
        assert!(!expression.matches(case(&["smoke", "en", "slow"])));
        let only_none = TagExpression {
            none: Some(vec!["slow".into()]),
            ..TagExpression::default()
        };
        assert!(only_none.matches(case(&[])));
        assert!(!only_none.matches(case(&["slow"])));
        assert_eq!(
            expression.to_string(),
            "{ all: [smoke], any: [en, es], none: [slow] }"
        );
    }
}
