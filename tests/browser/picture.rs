//! What the harness reads from the browser's binary answers: base64, and a screenshot's
//! size, colours and how much of it is not background.

/// Decodes standard base64 (the protocol's encoding of binary data).
pub fn base64(text: &str) -> Result<Vec<u8>, String> {
    let value = |c: u8| -> Result<u32, String> {
        Ok(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return Err(format!("not base64: {:?}", c as char)),
        } as u32)
    };
    let bytes: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for chunk in bytes.chunks(4) {
        let data: Vec<u8> = chunk.iter().copied().filter(|&b| b != b'=').collect();
        let mut n = 0u32;
        for (i, &b) in data.iter().enumerate() {
            n |= value(b)? << (18 - 6 * i);
        }
        let produced = data.len().saturating_sub(1);
        out.extend_from_slice(&n.to_be_bytes()[1..1 + produced]);
    }
    Ok(out)
}

/// What a screenshot holds: its size, how many distinct colours, and the share of pixels
/// that differ from its most common colour (the background).
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub colours: usize,
    pub ink: f64,
}

pub fn picture(png_bytes: &[u8]) -> Result<Picture, String> {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let mut buffer = vec![0; reader.output_buffer_size().ok_or("an image too large")?];
    let info = reader.next_frame(&mut buffer).map_err(|e| e.to_string())?;
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = buffer[..info.buffer_size()].chunks(channels).collect();
    let mut counts: std::collections::HashMap<&[u8], usize> = std::collections::HashMap::new();
    for pixel in &pixels {
        *counts.entry(pixel).or_default() += 1;
    }
    let background = counts.values().copied().max().unwrap_or(0);
    Ok(Picture {
        width: info.width,
        height: info.height,
        colours: counts.len(),
        ink: 1.0 - background as f64 / pixels.len().max(1) as f64,
    })
}

#[test]
fn base64_decodes_what_the_protocol_sends() {
    assert_eq!(base64("aGVsbG8=").unwrap(), b"hello");
    assert_eq!(base64("aGVsbG8hIQ==").unwrap(), b"hello!!");
    assert_eq!(base64("YWJj").unwrap(), b"abc");
    assert!(base64("a*").is_err());
}
