//! TEMPORARY STAND-IN for the data helper's detection metrics (replaced at merge).
#![allow(missing_docs)]
use crate::data::detection::LabeledBox;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Detection {
    pub class: usize,
    pub score: f32,
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}
#[derive(Clone, Debug)]
pub struct MapReport {
    pub map50: f32,
    pub map: f32,
    pub per_class_ap50: Vec<Option<f32>>,
}
fn iou(a: &Detection, b: &LabeledBox) -> f32 {
    let w = (a.x1.min(b.x1) - a.x0.max(b.x0)).max(0.0);
    let h = (a.y1.min(b.y1) - a.y0.max(b.y0)).max(0.0);
    let i = w * h;
    i / ((a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - i).max(1e-6)
}
fn ap(preds: &[Vec<Detection>], truth: &[Vec<LabeledBox>], c: usize, t: f32) -> Option<f32> {
    let ng: usize = truth
        .iter()
        .map(|v| v.iter().filter(|b| b.class == c).count())
        .sum();
    if ng == 0 {
        return None;
    }
    let mut d: Vec<(f32, usize, Detection)> = preds
        .iter()
        .enumerate()
        .flat_map(|(k, v)| {
            v.iter()
                .filter(|p| p.class == c)
                .map(move |p| (p.score, k, *p))
        })
        .collect();
    d.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut used: Vec<Vec<bool>> = truth.iter().map(|v| vec![false; v.len()]).collect();
    let (mut tp, mut fp) = (0f32, 0f32);
    let mut pr = vec![];
    for (_, k, p) in d {
        let Some(tk) = truth.get(k) else { continue };
        let best = tk
            .iter()
            .enumerate()
            .filter(|(_, b)| b.class == c)
            .map(|(j, b)| (j, iou(&p, b)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((j, o)) if o >= t && !used[k][j] => {
                used[k][j] = true;
                tp += 1.0
            }
            _ => fp += 1.0,
        }
        pr.push((tp / ng as f32, tp / (tp + fp)));
    }
    Some(
        (0..101)
            .map(|r| {
                let r = r as f32 / 100.0;
                pr.iter()
                    .filter(|x| x.0 >= r)
                    .map(|x| x.1)
                    .fold(0.0, f32::max)
            })
            .sum::<f32>()
            / 101.0,
    )
}
pub fn mean_average_precision(
    preds: &[Vec<Detection>],
    truth: &[Vec<LabeledBox>],
    classes: usize,
) -> MapReport {
    let per: Vec<Option<f32>> = (0..classes).map(|c| ap(preds, truth, c, 0.5)).collect();
    let mean = |v: &[Option<f32>]| {
        let f: Vec<f32> = v.iter().flatten().copied().collect();
        if f.is_empty() {
            0.0
        } else {
            f.iter().sum::<f32>() / f.len() as f32
        }
    };
    let map = (0..10)
        .map(|i| {
            let t = 0.5 + 0.05 * i as f32;
            mean(
                &(0..classes)
                    .map(|c| ap(preds, truth, c, t))
                    .collect::<Vec<_>>(),
            )
        })
        .sum::<f32>()
        / 10.0;
    MapReport {
        map50: mean(&per),
        map,
        per_class_ap50: per,
    }
}
