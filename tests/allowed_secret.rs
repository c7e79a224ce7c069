//! An allowed secret reaches the template and is reported as used, so outputs can mask it.
//! This binary holds a single test because it sets an environment variable.

use std::path::Path;

use hamming_runner::load::{LoadOptions, load_file};

#[test]
fn an_allowed_secret_is_rendered_and_reported_as_used() {
    // SAFETY: this test binary runs a single test, so no other thread reads the environment.
    unsafe { std::env::set_var("HAMMING_API_KEY", "sk-test-allowed") };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid/api-key-in-template.yaml");

    let refused = load_file(&path, &LoadOptions::default()).unwrap_err();
    let text = refused.render(false);
    assert!(text.contains("is withheld from templates"), "{text}");
    assert!(!text.contains("sk-test-allowed"));

    let options = LoadOptions {
        allow_secret_env: vec!["HAMMING_API_KEY".into()],
        ..LoadOptions::default()
    };
    let loaded = load_file(&path, &options).unwrap();
    assert_eq!(loaded.secrets_used, vec!["HAMMING_API_KEY".to_owned()]);
    assert_eq!(
        loaded.suites[0].description.as_deref(),
        Some("key is sk-test-allowed")
    );
}
