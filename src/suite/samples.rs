//! `samples:` in a suite: a fixed number of calls per case and number (Hamming's
//! `samplingCount`), or an adaptive plan `{ min, max, wave }` that runs a first wave of `min`
//! samples and follow-up waves only for what is still undecided.
//!
//! Like `tags:`, the two shapes are told apart by hand rather than with
//! `#[serde(untagged)]`, so a mistake inside the plan is reported as that mistake.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// The largest `samplingCount` one run takes (the range a third-party client enforces; the
/// server's own limit is not published).
pub const MAX_SAMPLES_PER_RUN: u32 = 50;
/// The most samples per case and number an adaptive plan may reach over all its waves.
pub const MAX_ADAPTIVE_SAMPLES: u32 = 1000;

/// What `samples:` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Samples {
    /// This many calls per case and number, in one run.
    Fixed(u32),
    /// Waves of calls until every rate threshold is decided.
    Adaptive(AdaptiveSamples),
}

/// An adaptive plan: a first wave of `min` samples per case and number, then waves of `wave`
/// more for what is still undecided, up to `max` in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdaptiveSamples {
    /// Samples per case and number in the first wave.
    #[schemars(range(min = 1, max = 50), example = 2)]
    pub min: u32,

    /// Samples per case and number over all waves at most; what is still undecided then is
    /// inconclusive.
    #[schemars(range(min = 1, max = 1000), example = 30)]
    pub max: u32,

    /// Samples per case and number each follow-up wave adds. Default: `min`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 50), example = 2)]
    pub wave: Option<u32>,
}

impl AdaptiveSamples {
    /// Samples each follow-up wave adds.
    pub fn wave_size(&self) -> u32 {
        self.wave.unwrap_or(self.min)
    }
}

impl Samples {
    /// The samples of the first (or only) run.
    pub fn first_run(&self) -> u32 {
        match self {
            Self::Fixed(n) => *n,
            Self::Adaptive(plan) => plan.min,
        }
    }

    /// Whether more than one sample is asked for (the legacy flow takes none).
    pub fn more_than_one(&self) -> bool {
        match self {
            Self::Fixed(n) => *n > 1,
            Self::Adaptive(plan) => plan.max > 1,
        }
    }
}

impl fmt::Display for Samples {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fixed(n) => write!(f, "{n}"),
            Self::Adaptive(plan) => write!(f, "{{ min: {}, max: {} }}", plan.min, plan.max),
        }
    }
}

impl<'de> Deserialize<'de> for Samples {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Shape;

        impl<'de> Visitor<'de> for Shape {
            type Value = Samples;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of samples, or an adaptive plan `{ min: 2, max: 30 }`")
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                u32::try_from(v)
                    .map(Samples::Fixed)
                    .map_err(|_| E::custom(format!("{v} samples is too many")))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                u64::try_from(v)
                    .map_err(|_| E::custom(format!("{v} is not a number of samples")))
                    .and_then(|v| self.visit_u64(v))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                // `2.0` is the number 2 to the schema; take it as such.
                if v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v) {
                    Ok(Samples::Fixed(v as u32))
                } else {
                    Err(E::custom(format!("{v} is not a whole number of samples")))
                }
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                AdaptiveSamples::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(Samples::Adaptive)
            }
        }

        deserializer.deserialize_any(Shape)
    }
}

impl JsonSchema for Samples {
    fn schema_name() -> Cow<'static, str> {
        "Samples".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let adaptive = generator.subschema_for::<AdaptiveSamples>();
        schemars::json_schema!({
            "description": "Calls per selected case and phone number: a number (Hamming's `samplingCount`), or an adaptive plan `{ min, max, wave }` that runs a first wave of `min` samples and follow-up waves only for what is still undecided (needs `thresholds.confidence`).",
            "oneOf": [
                {
                    "description": "Calls per case and number, in one run. Default 1.",
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_SAMPLES_PER_RUN,
                    "examples": [3]
                },
                adaptive
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: serde_json::Value) -> Result<Samples, String> {
        serde_json::from_value(json).map_err(|e| e.to_string())
    }

    #[test]
    fn both_shapes_parse_and_mistakes_are_named() {
        assert_eq!(parse(serde_json::json!(3)), Ok(Samples::Fixed(3)));
        assert_eq!(parse(serde_json::json!(3.0)), Ok(Samples::Fixed(3)));
        assert_eq!(
            parse(serde_json::json!({ "min": 2, "max": 30 })),
            Ok(Samples::Adaptive(AdaptiveSamples {
                min: 2,
                max: 30,
                wave: None
            }))
        );
        let unknown = parse(serde_json::json!({ "min": 2, "maxx": 30 })).unwrap_err();
        assert!(unknown.contains("unknown field `maxx`"), "{unknown}");
        let text = parse(serde_json::json!("3")).unwrap_err();
        assert!(
            text.contains("a number of samples, or an adaptive plan"),
            "{text}"
        );
        assert!(parse(serde_json::json!(2.5)).is_err());
    }

    #[test]
    fn the_first_run_takes_min_and_waves_default_to_min() {
        let plan = AdaptiveSamples {
            min: 2,
            max: 30,
            wave: None,
        };
        assert_eq!(Samples::Adaptive(plan).first_run(), 2);
        assert_eq!(plan.wave_size(), 2);
        assert_eq!(Samples::Fixed(5).first_run(), 5);
        assert_eq!(Samples::Adaptive(plan).to_string(), "{ min: 2, max: 30 }");
    }
}
