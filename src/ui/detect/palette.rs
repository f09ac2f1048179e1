//! Colours of the detection view: one per class, from a fixed colour-blind-aware list
//! (Okabe–Ito without its orange and vermillion, then a few from Tableau) and, past it,
//! golden-ratio steps through the hues between green and purple, so that no class is ever drawn in the
//! app's error red or warning orange; the colour of missed and false boxes; and the text
//! colour (black or white) that reads best on a fill.

use egui::Color32;

use crate::tasks::detect::hsv_rgb;

/// Colour of missed and false boxes in the errors mode.
pub const ERROR_COLOUR: Color32 = Color32::from_rgb(255, 40, 40);

/// The first classes' colours, in order; pairwise far apart and far from red and orange.
const BASE: [Color32; 10] = [
    Color32::from_rgb(86, 180, 233),  // sky blue
    Color32::from_rgb(0, 158, 115),   // bluish green
    Color32::from_rgb(240, 228, 66),  // yellow
    Color32::from_rgb(204, 121, 167), // reddish purple
    Color32::from_rgb(0, 114, 178),   // blue
    Color32::from_rgb(190, 170, 240), // lavender
    Color32::from_rgb(89, 161, 79),   // green
    Color32::from_rgb(235, 235, 235), // white
    Color32::from_rgb(31, 58, 147),   // navy
    Color32::from_rgb(150, 230, 200), // mint
];

/// Hues (degrees) the extended palette keeps to: green through purple, away from red,
/// orange and the yellow-orange of warnings.
const SAFE_HUES: (f32, f32) = (80.0, 300.0);

/// The colour of class `class`.
pub fn class_colour(class: usize) -> Color32 {
    if let Some(colour) = BASE.get(class) {
        return *colour;
    }
    let k = class - BASE.len();
    let (lo, hi) = SAFE_HUES;
    // Golden-ratio steps through the safe range: no period, neighbours far apart.
    let hue = lo + (k as f32 * 0.618_034).fract() * (hi - lo);
    // Alternate light and deep shades so neighbouring hues differ in brightness too.
    let (saturation, value) = match k % 3 {
        0 => (0.55, 0.95),
        1 => (0.85, 0.80),
        _ => (0.40, 0.70),
    };
    hsv(hue, saturation, value)
}

fn hsv(hue: f32, saturation: f32, value: f32) -> Color32 {
    let [r, g, b] = hsv_rgb(hue, saturation, value);
    Color32::from_rgb(r, g, b)
}

/// WCAG relative luminance of an opaque colour, in 0..1.
pub fn relative_luminance(colour: Color32) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(colour.r()) + 0.7152 * linear(colour.g()) + 0.0722 * linear(colour.b())
}

/// WCAG contrast ratio of two colours, in 1..21.
pub fn contrast_ratio(a: Color32, b: Color32) -> f64 {
    let (la, lb) = (relative_luminance(a), relative_luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Black or white, whichever contrasts more with `fill`.
pub fn text_colour_on(fill: Color32) -> Color32 {
    if contrast_ratio(Color32::WHITE, fill) > contrast_ratio(Color32::BLACK, fill) {
        Color32::WHITE
    } else {
        Color32::BLACK
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::widgets::status_bar::ERROR_COLOR;

    /// The "redmean" approximation of perceived colour distance (0 ..≈ 765).
    fn distance(a: Color32, b: Color32) -> f64 {
        let r = (f64::from(a.r()) + f64::from(b.r())) / 2.0;
        let d = |x: u8, y: u8| f64::from(x) - f64::from(y);
        let (dr, dg, db) = (d(a.r(), b.r()), d(a.g(), b.g()), d(a.b(), b.b()));
        ((2.0 + r / 256.0) * dr * dr + 4.0 * dg * dg + (2.0 + (255.0 - r) / 256.0) * db * db).sqrt()
    }

    /// Every colour the app says "error" or "warning" with.
    fn alarm_colours() -> Vec<Color32> {
        let mut colours = vec![
            ERROR_COLOR,
            ERROR_COLOUR,
            Color32::from_rgb(230, 170, 40), // the data panel's warnings
            Color32::from_rgb(220, 70, 60),  // the confusion matrix's wrong cells
        ];
        for visuals in [egui::Visuals::dark(), egui::Visuals::light()] {
            colours.push(visuals.error_fg_color);
            colours.push(visuals.warn_fg_color);
        }
        colours
    }

    #[test]
    fn no_class_looks_like_an_error_or_a_warning() {
        let alarms = alarm_colours();
        for class in 0..1000 {
            let colour = class_colour(class);
            for alarm in &alarms {
                let d = distance(colour, *alarm);
                assert!(
                    d >= 120.0,
                    "class {class} {colour:?} is {d:.0} from {alarm:?}"
                );
            }
        }
    }

    #[test]
    fn classes_get_distinct_colours() {
        for (i, a) in BASE.iter().enumerate() {
            for b in &BASE[i + 1..] {
                assert!(distance(*a, *b) >= 120.0, "{a:?} and {b:?} are alike");
            }
        }
        let first: Vec<Color32> = (0..40).map(class_colour).collect();
        for (i, a) in first.iter().enumerate() {
            assert!(!first[i + 1..].contains(a), "class {i} repeats {a:?}");
        }
        assert_eq!(class_colour(12), class_colour(12), "deterministic");
    }

    #[test]
    fn label_text_contrasts_with_its_fill() {
        assert_eq!(
            text_colour_on(Color32::from_rgb(31, 58, 147)),
            Color32::WHITE
        );
        assert_eq!(text_colour_on(Color32::from_rgb(0, 0, 120)), Color32::WHITE);
        assert_eq!(
            text_colour_on(Color32::from_rgb(240, 228, 66)),
            Color32::BLACK
        );
        assert_eq!(text_colour_on(Color32::WHITE), Color32::BLACK);
        for class in 0..200 {
            let fill = class_colour(class);
            let text = text_colour_on(fill);
            // The better of black and white always reaches at least 4.5:1 (WCAG AA).
            assert!(contrast_ratio(fill, text) >= 4.5, "class {class} {fill:?}");
        }
        assert!(contrast_ratio(ERROR_COLOUR, text_colour_on(ERROR_COLOUR)) >= 4.5);
        assert!((contrast_ratio(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 1e-9);
    }
}
