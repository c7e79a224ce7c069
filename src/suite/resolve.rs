//! Settles each suite: applies `defaults` field by field, checks the rules the schema cannot
//! express, and yields `ResolvedSuite`s with every value decided.
//!
//! Problems carry a JSON pointer into the suite file, so the loader can map them back to a
//! line and column.

use std::path::PathBuf;
use std::time::Duration;

use indexmap::IndexMap;

use super::date::Date;
use super::model::{
    NoAssertions, RegressionPolicy, SuiteFile, SuiteSpec, TestCaseSpec, Thresholds,
};
use super::quarantine::{self, Quarantine};
use super::samples::AdaptiveSamples;
use super::statistics::{self, Statistics};
use super::tags::{TagExpression, TagSelector};

/// Default per-suite deadline, the same as Hamming's own CI scripts (900 s).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(900);
/// Default polling interval, the same as Hamming's own CI scripts.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(10);
/// Default share of calls that must pass when a suite sets no `min_test_pass_rate`.
pub const DEFAULT_MIN_TEST_PASS_RATE: f64 = 1.0;
/// Bounds on durations, to catch a typo like `15h` for `15m` or `1ms` polling.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(100);
pub const MAX_POLL_INTERVAL: Duration = Duration::from_secs(600);
pub const MIN_TIMEOUT: Duration = Duration::from_secs(1);
pub const MAX_TIMEOUT: Duration = Duration::from_secs(48 * 3600);

/// Which test cases a suite runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// Every case carrying one of these tags (names or ids; names are resolved online).
    Tags(Vec<String>),
    /// These cases, each with its overrides.
    TestCases(Vec<TestCaseSpec>),
    /// The cases matching an expression over tags, resolved online to explicit test cases.
    Expression(TagExpression),
    /// A dataset, run through the legacy (`/voice-agent`) flow.
    Dataset(String),
}

impl Selection {
    /// How many tags, test cases or datasets the selection names (a tag expression counts
    /// as one).
    pub fn count(&self) -> usize {
        match self {
            Self::Tags(tags) => tags.len(),
            Self::TestCases(cases) => cases.len(),
            Self::Expression(_) | Self::Dataset(_) => 1,
        }
    }

    /// The selection in words that do not depend on how it was written (tags sorted), for
    /// reports and for telling whether two runs selected alike: `tags: a, b`, `tags: { all:
    /// [a], none: [b] }`, `test cases` (an explicit list: the cases themselves say which),
    /// `dataset: d`. `None` for a selection that names nothing.
    pub fn describe(&self) -> Option<String> {
        fn sorted(tags: &[String]) -> Vec<String> {
            let mut tags = tags.to_vec();
            tags.sort();
            tags.dedup();
            tags
        }
        match self {
            Self::Tags(tags) if tags.is_empty() => None,
            Self::Tags(tags) => Some(format!("tags: {}", sorted(tags).join(", "))),
            Self::Expression(expression) => {
                let sort = |tags: &Option<Vec<String>>| tags.as_deref().map(sorted);
                let normal = TagExpression {
                    all: sort(&expression.all),
                    any: sort(&expression.any),
                    none: sort(&expression.none),
                };
                Some(format!("tags: {normal}"))
            }
            Self::TestCases(_) => Some("test cases".to_owned()),
            Self::Dataset(id) => Some(format!("dataset: {id}")),
        }
    }

    fn from_tags(tags: &TagSelector) -> Self {
        match tags {
            TagSelector::List(tags) => Self::Tags(tags.clone()),
            TagSelector::Expression(expression) => Self::Expression(expression.clone()),
        }
    }
}

/// Where a suite was defined, for annotations and error messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SuiteSource {
    /// The suite file as the user named it.
    pub file: PathBuf,
    /// 1-based line of the suite's name in the file (0 when unknown).
    pub line: u32,
    /// 1-based column of the suite's name.
    pub column: u32,
    /// 1-based line of each explicit test case entry, in selection order (0 when unknown).
    pub test_case_lines: Vec<u32>,
}

/// The thresholds of one suite after inheritance, with defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedThresholds {
    pub min_test_pass_rate: f64,
    pub min_assertion_score: Option<f64>,
    pub no_assertions: NoAssertions,
    pub categories: IndexMap<String, f64>,
    pub must_pass_assertions: Vec<String>,
    pub metrics: IndexMap<String, super::model::MetricBound>,
    pub min_case_pass_rate: Option<f64>,
    /// Set with `confidence`: rates are judged by intervals (or, with adaptive samples, by a
    /// sequential test). `None`: rates are compared with their bars as points.
    pub statistics: Option<Statistics>,
    /// What a regression against a baseline does.
    pub regression: RegressionPolicy,
}

/// A suite with every value decided.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedSuite {
    pub name: String,
    pub description: Option<String>,
    pub agent_id: String,
    pub phone_numbers: Vec<String>,
    pub selection: Selection,
    /// Samples per case and number of the (first) run; with an adaptive plan, its `min`.
    pub samples: u32,
    /// The adaptive plan, when `samples` is `{ min, max }`.
    pub adaptive: Option<AdaptiveSamples>,
    pub max_concurrent_calls: Option<u32>,
    pub max_calls: Option<u32>,
    pub timeout: Duration,
    pub poll_interval: Duration,
    pub thresholds: ResolvedThresholds,
    /// The cases in quarantine (the suite's and the inherited ones), expired ones included.
    pub quarantine: Vec<Quarantine>,
    pub source: SuiteSource,
}

impl ResolvedSuite {
    /// Calls the suite places per selected case: samples × phone numbers.
    pub fn calls_per_case(&self) -> u64 {
        u64::from(self.samples) * self.phone_numbers.len() as u64
    }

    /// A suite with no selection, carrying only pacing and the thresholds of Hamming's v2
    /// check (every call passes, assertion score 1.0, skipped when no assertions are
    /// configured): what `wait` and `check` judge a run by when no suite file names one.
    pub fn bare(name: &str, timeout: Duration, poll_interval: Duration) -> Self {
        Self {
            name: name.to_owned(),
            description: None,
            agent_id: String::new(),
            phone_numbers: Vec::new(),
            selection: Selection::Tags(Vec::new()),
            samples: 1,
            adaptive: None,
            max_concurrent_calls: None,
            max_calls: None,
            timeout,
            poll_interval,
            thresholds: ResolvedThresholds {
                min_test_pass_rate: 1.0,
                min_assertion_score: Some(1.0),
                no_assertions: NoAssertions::Skip,
                categories: IndexMap::new(),
                must_pass_assertions: Vec::new(),
                metrics: IndexMap::new(),
                min_case_pass_rate: None,
                statistics: None,
                regression: Default::default(),
            },
            quarantine: Vec::new(),
            source: SuiteSource::default(),
        }
    }
}

/// A rule the suite file breaks, located by JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The suite the problem belongs to, if any.
    pub suite: Option<String>,
    /// JSON pointer to the offending value (or the object missing a field).
    pub pointer: String,
    /// What is wrong, as a lowercase fragment.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

/// Resolves every suite, collecting all problems rather than stopping at the first. `today`
/// decides which quarantines have expired and how far ahead one may reach.
pub fn resolve(file: &SuiteFile, today: Date) -> Result<Vec<ResolvedSuite>, Vec<Problem>> {
    let empty = SuiteSpec::default();
    let defaults = file.defaults.as_ref().unwrap_or(&empty);
    let mut problems = Vec::new();
    if file.defaults.is_some() {
        check_selection_exclusive(defaults, None, "/defaults", &mut problems);
        check_duplicates(defaults, None, "/defaults", &mut problems);
        super::ids::check_ids(defaults, None, "/defaults", &mut problems);
        quarantine::check_defaults(file, today, &mut problems);
    }
    let mut lowered: IndexMap<String, String> = IndexMap::new();
    let mut suites = Vec::new();
    for (name, spec) in &file.suites {
        let pointer = format!("/suites/{}", escape_pointer(&name.0));
        if let Some(first) = lowered.insert(name.0.to_lowercase(), name.0.clone()) {
            problems.push(Problem {
                suite: Some(name.0.clone()),
                pointer: pointer.clone(),
                message: format!("suite `{}` differs from suite `{first}` only by case", name.0),
                hint: Some(
                    "suite names name report files and CI outputs; make them differ by more than case"
                        .into(),
                ),
            });
        }
        if let Some(suite) = resolve_one(&name.0, &pointer, spec, defaults, today, &mut problems) {
            suites.push(suite);
        }
    }
    if file.suites.is_empty() {
        problems.push(Problem {
            suite: None,
            pointer: "/suites".into(),
            message: "`suites` defines no suites".into(),
            hint: Some(
                "add at least one named suite under `suites:`; an empty run is never a pass".into(),
            ),
        });
    }
    if problems.is_empty() {
        Ok(suites)
    } else {
        Err(problems)
    }
}

fn resolve_one(
    name: &str,
    pointer: &str,
    spec: &SuiteSpec,
    defaults: &SuiteSpec,
    today: Date,
    problems: &mut Vec<Problem>,
) -> Option<ResolvedSuite> {
    let before = problems.len();
    let problem = |field: &str, message: String, hint: &str| Problem {
        suite: Some(name.to_owned()),
        pointer: if field.is_empty() {
            pointer.to_owned()
        } else {
            format!("{pointer}/{field}")
        },
        message,
        hint: Some(hint.to_owned()),
    };

    check_selection_exclusive(spec, Some(name), pointer, problems);
    check_duplicates(spec, Some(name), pointer, problems);
    super::ids::check_ids(spec, Some(name), pointer, problems);
    // The selection is inherited as a unit: the suite's own, else the defaults'. A spec that
    // sets two kinds was reported by `check_selection_exclusive` and yields none.
    let selection = match selection_of(spec).or_else(|| selection_of(defaults)) {
        Some(selection) => selection,
        None => {
            problems.push(problem(
                "",
                format!("suite `{name}` selects no test cases"),
                "add `tags: [<tag name or id>]`, `test_cases: [{id: <test case id>}]` or `dataset: <dataset id>` to the suite (or to `defaults`)",
            ));
            None
        }
    };
    let legacy = matches!(selection, Some(Selection::Dataset(_)));
    if legacy && let Some(samples) = spec.samples.filter(|s| s.more_than_one()) {
        problems.push(problem(
            "samples",
            format!("`samples` is {samples}, but a `dataset` calls each case once (Hamming's legacy flow)"),
            "remove `samples`, or select the cases with `tags` or `test_cases` to sample them",
        ));
    }
    if let Some(Selection::Tags(tags)) = &selection
        && tags.is_empty()
    {
        problems.push(problem(
            "tags",
            "the tag list is empty".into(),
            "name at least one tag",
        ));
    }
    if let Some(Selection::Expression(expression)) = &selection
        && expression.is_empty()
    {
        problems.push(problem(
            "tags",
            "the tag expression names no tag".into(),
            "give at least one of `all: [..]`, `any: [..]` or `none: [..]` a tag",
        ));
    }

    let agent_id = spec.agent_id.clone().or_else(|| defaults.agent_id.clone());
    match &agent_id {
        None => problems.push(problem(
            "",
            format!("suite `{name}` has no `agent_id`"),
            "set `agent_id` in the suite or in `defaults`, e.g. `agent_id: \"{{ env.HAMMING_AGENT_ID }}\"`",
        )),
        Some(id) if id.trim().is_empty() => problems.push(problem(
            if spec.agent_id.is_some() { "agent_id" } else { "" },
            "`agent_id` is empty".into(),
            "set it to the id of the Hamming agent under test; if it is templated, check that the variable is set",
        )),
        Some(_) => {}
    }

    let phone_numbers = spec
        .phone_numbers
        .clone()
        .or_else(|| defaults.phone_numbers.clone());
    if phone_numbers.is_none() {
        problems.push(problem(
            "",
            format!("suite `{name}` has no `phone_numbers`"),
            "set `phone_numbers: [\"+14155550100\"]` (E.164) in the suite or in `defaults`",
        ));
    }

    let timeout = duration_field(
        name,
        pointer,
        "timeout",
        spec.timeout.as_ref(),
        defaults.timeout.as_ref(),
        DEFAULT_TIMEOUT,
        (MIN_TIMEOUT, MAX_TIMEOUT),
        problems,
    );
    let poll_interval = duration_field(
        name,
        pointer,
        "poll_interval",
        spec.poll_interval.as_ref(),
        defaults.poll_interval.as_ref(),
        DEFAULT_POLL_INTERVAL,
        (MIN_POLL_INTERVAL, MAX_POLL_INTERVAL),
        problems,
    );

    let thresholds = merge_thresholds(defaults.thresholds.as_ref(), spec.thresholds.as_ref());
    let quarantine = quarantine::of_suite(
        name,
        pointer,
        spec,
        defaults,
        selection.as_ref(),
        today,
        problems,
    );
    statistics::check_orphans(name, pointer, spec, defaults, problems);
    let adaptive = if legacy {
        None
    } else {
        statistics::adaptive(
            name,
            pointer,
            spec,
            defaults,
            thresholds.statistics.as_ref(),
            problems,
        )
    };
    for (metric, bound) in &thresholds.metrics {
        if let (Some(min), Some(max)) = (bound.min, bound.max)
            && min > max
        {
            let owner = if spec
                .thresholds
                .as_ref()
                .and_then(|t| t.metrics.as_ref())
                .is_some_and(|m| m.contains_key(metric))
            {
                format!("{pointer}/thresholds/metrics/{}", escape_pointer(metric))
            } else {
                format!("/defaults/thresholds/metrics/{}", escape_pointer(metric))
            };
            problems.push(Problem {
                suite: Some(name.to_owned()),
                pointer: owner,
                message: format!("metric `{metric}` has min {min} above max {max}"),
                hint: Some("swap the bounds or drop one of them".into()),
            });
        }
    }

    if problems.len() > before {
        return None;
    }
    Some(ResolvedSuite {
        name: name.to_owned(),
        description: spec
            .description
            .clone()
            .or_else(|| defaults.description.clone()),
        agent_id: agent_id?,
        phone_numbers: phone_numbers?,
        selection: selection?,
        // The legacy flow has no sampling: an inherited `samples` does not apply to it.
        samples: if legacy {
            1
        } else {
            spec.samples
                .or(defaults.samples)
                .map_or(1, |samples| samples.first_run())
        },
        adaptive,
        max_concurrent_calls: spec.max_concurrent_calls.or(defaults.max_concurrent_calls),
        max_calls: spec.max_calls.or(defaults.max_calls),
        timeout: timeout?,
        poll_interval: poll_interval?,
        thresholds,
        quarantine,
        source: SuiteSource::default(),
    })
}

/// The selection a spec sets itself: `None` when it sets none, `Some(None)` when it sets more
/// than one kind.
fn selection_of(spec: &SuiteSpec) -> Option<Option<Selection>> {
    match (&spec.tags, &spec.test_cases, &spec.dataset) {
        (None, None, None) => None,
        (Some(tags), None, None) => Some(Some(Selection::from_tags(tags))),
        (None, Some(cases), None) => Some(Some(Selection::TestCases(cases.clone()))),
        (None, None, Some(dataset)) => Some(Some(Selection::Dataset(dataset.clone()))),
        _ => Some(None),
    }
}

fn check_selection_exclusive(
    spec: &SuiteSpec,
    suite: Option<&str>,
    pointer: &str,
    problems: &mut Vec<Problem>,
) {
    if spec.dataset.is_some() && (spec.tags.is_some() || spec.test_cases.is_some()) {
        let other = if spec.tags.is_some() {
            "tags"
        } else {
            "test_cases"
        };
        problems.push(Problem {
            suite: suite.map(str::to_owned),
            pointer: format!("{pointer}/dataset"),
            message: format!(
                "`dataset` and `{other}` are both set; a suite selects by one of `tags`, `test_cases` or `dataset`"
            ),
            hint: Some(
                "a dataset runs through Hamming's legacy flow; keep `dataset`, or select test cases with `tags` or `test_cases`"
                    .into(),
            ),
        });
    }
    if spec.tags.is_some() && spec.test_cases.is_some() {
        problems.push(Problem {
            suite: suite.map(str::to_owned),
            pointer: format!("{pointer}/test_cases"),
            message: "`tags` and `test_cases` are both set; a suite selects by one or the other"
                .into(),
            hint: Some(
                "keep one of them; to run tagged cases with overrides, list them under `test_cases`"
                    .into(),
            ),
        });
    }
}

/// Flags a test case id or phone number listed twice: the second copy would place the same
/// paid calls again, which is never what was meant (use `samples` for repeats).
fn check_duplicates(
    spec: &SuiteSpec,
    suite: Option<&str>,
    pointer: &str,
    problems: &mut Vec<Problem>,
) {
    let mut report = |field: &str, index: usize, first: usize, what: String, hint: &str| {
        problems.push(Problem {
            suite: suite.map(str::to_owned),
            pointer: if field == "test_cases" {
                format!("{pointer}/{field}/{index}/id")
            } else {
                format!("{pointer}/{field}/{index}")
            },
            message: format!(
                "{what} is listed twice (entries {} and {})",
                first + 1,
                index + 1
            ),
            hint: Some(hint.to_owned()),
        });
    };
    if let Some(cases) = &spec.test_cases {
        let mut seen: IndexMap<&str, usize> = IndexMap::new();
        for (i, case) in cases.iter().enumerate() {
            if let Some(first) = seen.get(case.id.as_str()).copied().or_else(|| {
                seen.insert(case.id.as_str(), i);
                None
            }) {
                report(
                    "test_cases",
                    i,
                    first,
                    format!("test case `{}`", case.id),
                    "list each case once; to call it several times, set `samples`",
                );
            }
        }
    }
    if let Some(numbers) = &spec.phone_numbers {
        let mut seen: IndexMap<&str, usize> = IndexMap::new();
        for (i, number) in numbers.iter().enumerate() {
            if let Some(first) = seen.get(number.as_str()).copied().or_else(|| {
                seen.insert(number.as_str(), i);
                None
            }) {
                report(
                    "phone_numbers",
                    i,
                    first,
                    format!("phone number `{number}`"),
                    "list each number once; to call it several times, set `samples`",
                );
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn duration_field(
    suite: &str,
    pointer: &str,
    field: &str,
    own: Option<&super::duration::HumanDuration>,
    inherited: Option<&super::duration::HumanDuration>,
    default: Duration,
    (min, max): (Duration, Duration),
    problems: &mut Vec<Problem>,
) -> Option<Duration> {
    let (value, at) = match (own, inherited) {
        (Some(v), _) => (v, format!("{pointer}/{field}")),
        (None, Some(v)) => (v, format!("/defaults/{field}")),
        (None, None) => return Some(default),
    };
    let mut fail = |message: String, hint: String| {
        problems.push(Problem {
            suite: Some(suite.to_owned()),
            pointer: at.clone(),
            message,
            hint: Some(hint),
        });
        None
    };
    match value.parse() {
        Err(err) => fail(
            format!("invalid duration for `{field}`: {err}"),
            "durations are a number and a unit (ms, s, m, h), e.g. `15m` or `1h30m`".into(),
        ),
        Ok(d) if d < min || d > max => fail(
            format!(
                "`{field}` is {value}, outside {} to {}",
                super::duration::format(min),
                super::duration::format(max)
            ),
            format!(
                "choose a `{field}` between {} and {}",
                super::duration::format(min),
                super::duration::format(max)
            ),
        ),
        Ok(d) => Some(d),
    }
}

/// Merges thresholds key by key; in `categories` and `metrics`, entry by entry.
fn merge_thresholds(defaults: Option<&Thresholds>, own: Option<&Thresholds>) -> ResolvedThresholds {
    let empty = Thresholds::default();
    let d = defaults.unwrap_or(&empty);
    let o = own.unwrap_or(&empty);
    let mut categories = d.categories.clone().unwrap_or_default();
    categories.extend(o.categories.clone().unwrap_or_default());
    let mut metrics = d.metrics.clone().unwrap_or_default();
    metrics.extend(o.metrics.clone().unwrap_or_default());
    ResolvedThresholds {
        min_test_pass_rate: o
            .min_test_pass_rate
            .or(d.min_test_pass_rate)
            .unwrap_or(DEFAULT_MIN_TEST_PASS_RATE),
        min_assertion_score: o.min_assertion_score.or(d.min_assertion_score),
        no_assertions: o.no_assertions.or(d.no_assertions).unwrap_or_default(),
        categories,
        must_pass_assertions: o
            .must_pass_assertions
            .clone()
            .or_else(|| d.must_pass_assertions.clone())
            .unwrap_or_default(),
        metrics,
        min_case_pass_rate: o.min_case_pass_rate.or(d.min_case_pass_rate),
        statistics: statistics::of(d, o),
        regression: o.regression.or(d.regression).unwrap_or_default(),
    }
}

/// Escapes a key for use in a JSON pointer (RFC 6901).
pub fn escape_pointer(key: &str) -> String {
    if key.contains(['~', '/']) {
        key.replace('~', "~0").replace('/', "~1")
    } else {
        key.to_owned()
    }
}
