//! The embedding map: one point (or thumbnail) per image at its 2-D position, coloured as
//! asked, with zoom (scroll, around the pointer), pan (drag with the Pan tool, or the
//! middle/right button with any tool), hover, click, and box or lasso selection. Every
//! point is one quad of a mesh (one mesh per thumbnail page), so 10 000 points draw in one
//! go.

use egui::epaint::Mesh;
use egui::{Color32, Pos2, Rect, Sense, Shape, Stroke, TextureId, Ui, Vec2};

use crate::ui::explore::atlas::Atlas;

/// What a primary drag on the map does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MapTool {
    /// Moves the view.
    #[default]
    Pan,
    /// Selects the points inside a rectangle.
    Box,
    /// Selects the points inside a freehand outline.
    Lasso,
}

impl MapTool {
    /// All tools, in the order offered.
    pub const ALL: [MapTool; 3] = [MapTool::Pan, MapTool::Box, MapTool::Lasso];

    /// The tool's name on its button.
    pub fn label(self) -> &'static str {
        match self {
            MapTool::Pan => "Pan",
            MapTool::Box => "Box select",
            MapTool::Lasso => "Lasso",
        }
    }
}

/// Half the side of a point, in points of the screen.
const POINT_HALF: f32 = 2.5;
/// Pointer distance (screen points) within which a point is hovered.
const HOVER_RADIUS: f32 = 7.0;

/// The view of the map: where it looks and how close.
#[derive(Clone, Debug)]
pub struct MapView {
    /// Map coordinates at the middle of the view.
    pub centre: Vec2,
    /// Screen points per map unit.
    pub scale: f32,
    /// Where the map was last drawn (for tests and selection maths).
    pub rect: Rect,
    /// The layout the view was last fitted to.
    fitted_for: Option<u64>,
    /// The user zoomed or panned since the last fit (a resized map is then not fitted
    /// again).
    moved: bool,
    gesture: Option<Gesture>,
}

impl Default for MapView {
    fn default() -> Self {
        MapView {
            centre: Vec2::ZERO,
            scale: 1.0,
            rect: Rect::NOTHING,
            fitted_for: None,
            moved: false,
            gesture: None,
        }
    }
}

#[derive(Clone, Debug)]
enum Gesture {
    Box(Pos2),
    Lasso(Vec<Pos2>),
}

/// What the map shows this frame.
pub struct MapScene<'a> {
    /// Position of each image.
    pub points: &'a [[f32; 2]],
    /// Colour of each image.
    pub colours: &'a [Color32],
    /// Whether each image is selected.
    pub selected: &'a [bool],
    /// The image the side panel shows.
    pub focus: Option<usize>,
    /// The thumbnails.
    pub atlas: &'a Atlas,
    /// Draw thumbnails (`Some(side in screen points)`) instead of points.
    pub thumbnails: Option<f32>,
    /// What a primary drag does.
    pub tool: MapTool,
    /// Identifies the layout: a new one is fitted into view.
    pub layout_key: u64,
}

/// What the user did on the map this frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapResponse {
    /// The image under the pointer.
    pub hovered: Option<usize>,
    /// The image clicked.
    pub clicked: Option<usize>,
    /// Images inside a finished box or lasso, and whether Shift was held (add to the
    /// selection).
    pub selected: Option<(Vec<usize>, bool)>,
}

impl MapView {
    /// Whether the user zoomed or panned since the view was last fitted.
    pub fn moved(&self) -> bool {
        self.moved
    }

    /// Map coordinates to screen.
    pub fn to_screen(&self, p: [f32; 2]) -> Pos2 {
        let c = self.rect.center();
        Pos2::new(
            c.x + (p[0] - self.centre.x) * self.scale,
            c.y - (p[1] - self.centre.y) * self.scale,
        )
    }

    /// Screen to map coordinates.
    pub fn to_map(&self, s: Pos2) -> [f32; 2] {
        let c = self.rect.center();
        let scale = self.scale.max(f32::MIN_POSITIVE);
        [
            self.centre.x + (s.x - c.x) / scale,
            self.centre.y - (s.y - c.y) / scale,
        ]
    }

    /// Fits every point into the view with a margin.
    pub fn fit(&mut self, points: &[[f32; 2]]) {
        let (mut lo, mut hi) = ([f32::INFINITY; 2], [f32::NEG_INFINITY; 2]);
        for p in points
            .iter()
            .filter(|p| p[0].is_finite() && p[1].is_finite())
        {
            for a in 0..2 {
                lo[a] = lo[a].min(p[a]);
                hi[a] = hi[a].max(p[a]);
            }
        }
        if !lo[0].is_finite() {
            self.centre = Vec2::ZERO;
            self.scale = 1.0;
            return;
        }
        self.moved = false;
        self.centre = Vec2::new((lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0);
        let span = Vec2::new((hi[0] - lo[0]).max(1e-6), (hi[1] - lo[1]).max(1e-6));
        let room = (self.rect.size() - Vec2::splat(40.0)).max(Vec2::splat(10.0));
        self.scale = (room.x / span.x).min(room.y / span.y);
    }

    /// Centres the view on map position `p`, keeping the zoom.
    pub fn centre_on(&mut self, p: [f32; 2]) {
        self.moved = true;
        self.centre = Vec2::new(p[0], p[1]);
    }

    /// Zooms by `factor` keeping the map position under `anchor` (screen) in place.
    pub fn zoom_at(&mut self, factor: f32, anchor: Pos2) {
        self.moved = true;
        let before = self.to_map(anchor);
        self.scale = (self.scale * factor).clamp(1e-6, 1e9);
        let after = self.to_map(anchor);
        self.centre += Vec2::new(before[0] - after[0], before[1] - after[1]);
    }

    /// Moves the view by a screen delta.
    pub fn pan(&mut self, delta: Vec2) {
        self.moved = true;
        let scale = self.scale.max(f32::MIN_POSITIVE);
        self.centre -= Vec2::new(delta.x / scale, -delta.y / scale);
    }

    /// Draws the map in the space left in `ui` and takes the user's input.
    pub fn show(&mut self, ui: &mut Ui, scene: &MapScene<'_>) -> MapResponse {
        let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
        let resized = self.rect.size() != rect.size();
        self.rect = rect;
        if self.fitted_for != Some(scene.layout_key) || (resized && !self.moved) {
            self.fit(scene.points);
            self.fitted_for = Some(scene.layout_key);
        }
        let mut out = MapResponse::default();
        let (scroll, zoom, shift, pointer) = ui.input(|i| {
            (
                i.smooth_scroll_delta.y,
                i.zoom_delta(),
                i.modifiers.shift,
                i.pointer.hover_pos(),
            )
        });
        if response.hovered()
            && let Some(at) = pointer
        {
            let factor = zoom * (scroll * 0.003).exp();
            if (factor - 1.0).abs() > 1e-4 {
                self.zoom_at(factor, at);
            }
        }
        let pan_drag = response.dragged_by(egui::PointerButton::Middle)
            || response.dragged_by(egui::PointerButton::Secondary)
            || (scene.tool == MapTool::Pan && response.dragged_by(egui::PointerButton::Primary));
        if pan_drag {
            self.pan(response.drag_delta());
        }
        self.select_gesture(&response, scene, shift, &mut out);

        if self.gesture.is_none() && !pan_drag {
            out.hovered = pointer
                .filter(|p| rect.contains(*p))
                .and_then(|p| self.nearest(scene.points, p));
        }
        if response.clicked() {
            out.clicked = out.hovered;
        }
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 0.0, ui.visuals().extreme_bg_color);
        for shape in self.meshes(scene, out.hovered) {
            painter.add(shape);
        }
        match &self.gesture {
            Some(Gesture::Box(start)) => {
                if let Some(now) = pointer {
                    let r = Rect::from_two_pos(*start, now);
                    painter.rect_filled(r, 0.0, Color32::from_rgba_unmultiplied(120, 160, 255, 30));
                    painter.rect_stroke(
                        r,
                        0.0,
                        Stroke::new(1.0, Color32::LIGHT_BLUE),
                        egui::StrokeKind::Inside,
                    );
                }
            }
            Some(Gesture::Lasso(path)) if path.len() > 1 => {
                painter.add(Shape::line(
                    path.clone(),
                    Stroke::new(1.5, Color32::LIGHT_BLUE),
                ));
            }
            _ => {}
        }
        out
    }

    /// Starts, grows and ends a box or lasso selection.
    fn select_gesture(
        &mut self,
        response: &egui::Response,
        scene: &MapScene<'_>,
        shift: bool,
        out: &mut MapResponse,
    ) {
        if scene.tool == MapTool::Pan {
            self.gesture = None;
            return;
        }
        // The press's own position: the drag starts only after the pointer has moved a little.
        let origin = response
            .ctx
            .input(|i| i.pointer.press_origin())
            .or(response.interact_pointer_pos());
        if response.drag_started_by(egui::PointerButton::Primary)
            && let Some(at) = origin
        {
            self.gesture = Some(match scene.tool {
                MapTool::Box => Gesture::Box(at),
                MapTool::Lasso | MapTool::Pan => Gesture::Lasso(vec![at]),
            });
        }
        if let (Some(Gesture::Lasso(path)), Some(at)) =
            (&mut self.gesture, response.interact_pointer_pos())
            && path.last().is_none_or(|last| last.distance(at) > 2.0)
        {
            path.push(at);
        }
        if response.drag_stopped() {
            let end = response.interact_pointer_pos();
            let inside: Vec<usize> = match (self.gesture.take(), end) {
                (Some(Gesture::Box(start)), Some(end)) => {
                    let r = Rect::from_two_pos(start, end);
                    self.indices_where(scene.points, |p| r.contains(p))
                }
                (Some(Gesture::Lasso(mut path)), end) => {
                    path.extend(end);
                    self.indices_where(scene.points, |p| inside_polygon(&path, p))
                }
                _ => return,
            };
            out.selected = Some((inside, shift));
        }
    }

    fn indices_where(&self, points: &[[f32; 2]], keep: impl Fn(Pos2) -> bool) -> Vec<usize> {
        points
            .iter()
            .enumerate()
            .filter(|(_, p)| keep(self.to_screen(**p)))
            .map(|(i, _)| i)
            .collect()
    }

    /// The point nearest to `at` on screen, within [`HOVER_RADIUS`].
    fn nearest(&self, points: &[[f32; 2]], at: Pos2) -> Option<usize> {
        let mut best = (HOVER_RADIUS * HOVER_RADIUS, None);
        for (i, p) in points.iter().enumerate() {
            let d = self.to_screen(*p).distance_sq(at);
            if d <= best.0 {
                best = (d, Some(i));
            }
        }
        best.1
    }

    /// The points (or thumbnails) as meshes: plain quads first, then one mesh per
    /// thumbnail page; the hovered and focused images last, larger.
    fn meshes(&self, scene: &MapScene<'_>, hovered: Option<usize>) -> Vec<Shape> {
        let visible = self.rect.expand(64.0);
        let mut plain = Mesh::default();
        let mut pages: Vec<(TextureId, Mesh)> = Vec::new();
        let mut on_top = Vec::new();
        for (i, p) in scene.points.iter().enumerate() {
            let at = self.to_screen(*p);
            if !visible.contains(at) {
                continue;
            }
            if Some(i) == hovered || Some(i) == scene.focus {
                on_top.push(i);
                continue;
            }
            let colour = scene.colours.get(i).copied().unwrap_or(Color32::GRAY);
            let selected = scene.selected.get(i).copied().unwrap_or(false);
            match (scene.thumbnails, scene.atlas.tile(i)) {
                (Some(side), Some((texture, uv))) => {
                    let r = Rect::from_center_size(at, Vec2::splat(side));
                    // A frame in the point's colour (white when selected) under the picture.
                    let frame = if selected { Color32::WHITE } else { colour };
                    plain.add_colored_rect(r.expand(if selected { 2.5 } else { 1.0 }), frame);
                    page_mesh(&mut pages, texture).add_rect_with_uv(r, uv, Color32::WHITE);
                }
                _ => {
                    if selected {
                        plain.add_colored_rect(
                            Rect::from_center_size(at, Vec2::splat(POINT_HALF * 2.0 + 3.0)),
                            Color32::WHITE,
                        );
                    }
                    plain.add_colored_rect(
                        Rect::from_center_size(at, Vec2::splat(POINT_HALF * 2.0)),
                        colour,
                    );
                }
            }
        }
        let mut shapes = vec![Shape::mesh(plain)];
        shapes.extend(pages.into_iter().map(|(_, mesh)| Shape::mesh(mesh)));
        for i in on_top {
            let at = self.to_screen(scene.points[i]);
            let colour = scene.colours.get(i).copied().unwrap_or(Color32::GRAY);
            let side = scene.thumbnails.unwrap_or(0.0).max(28.0) * 1.6;
            let r = Rect::from_center_size(at, Vec2::splat(side));
            shapes.push(Shape::rect_filled(r.expand(2.0), 2.0, colour));
            match scene.atlas.tile(i) {
                Some((texture, uv)) => {
                    let mut mesh = Mesh::with_texture(texture);
                    mesh.add_rect_with_uv(r, uv, Color32::WHITE);
                    shapes.push(Shape::mesh(mesh));
                }
                None => shapes.push(Shape::rect_filled(r.shrink(side / 3.0), 0.0, colour)),
            }
        }
        shapes
    }
}

fn page_mesh(pages: &mut Vec<(TextureId, Mesh)>, texture: TextureId) -> &mut Mesh {
    let at = match pages.iter().position(|(t, _)| *t == texture) {
        Some(at) => at,
        None => {
            pages.push((texture, Mesh::with_texture(texture)));
            pages.len() - 1
        }
    };
    &mut pages[at].1
}

/// Whether `p` is inside the closed polygon `path` (even–odd rule).
pub fn inside_polygon(path: &[Pos2], p: Pos2) -> bool {
    if path.len() < 3 {
        return false;
    }
    let mut inside = false;
    let mut j = path.len() - 1;
    for i in 0..path.len() {
        let (a, b) = (path[i], path[j]);
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            inside = !inside;
        }
        j = i;
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> MapView {
        MapView {
            rect: Rect::from_min_size(Pos2::ZERO, Vec2::new(200.0, 100.0)),
            ..MapView::default()
        }
    }

    #[test]
    fn screen_and_map_coordinates_round_trip_and_fit_shows_every_point() {
        let mut v = view();
        let points = [[-1.0, -2.0], [3.0, 5.0], [0.0, 0.0]];
        v.fit(&points);
        for p in points {
            let s = v.to_screen(p);
            assert!(v.rect.contains(s), "{p:?} at {s:?}");
            let back = v.to_map(s);
            assert!((back[0] - p[0]).abs() < 1e-4 && (back[1] - p[1]).abs() < 1e-4);
        }
        // Up on the map is up on the screen.
        assert!(v.to_screen([0.0, 5.0]).y < v.to_screen([0.0, -2.0]).y);
    }

    #[test]
    fn zooming_keeps_the_anchor_in_place() {
        let mut v = view();
        v.fit(&[[0.0, 0.0], [10.0, 10.0]]);
        let anchor = Pos2::new(30.0, 70.0);
        let under = v.to_map(anchor);
        v.zoom_at(3.0, anchor);
        let s = v.to_screen(under);
        assert!(s.distance(anchor) < 1e-3);
    }

    #[test]
    fn the_polygon_test_knows_inside_from_outside() {
        let square = [
            Pos2::new(0.0, 0.0),
            Pos2::new(10.0, 0.0),
            Pos2::new(10.0, 10.0),
            Pos2::new(0.0, 10.0),
        ];
        assert!(inside_polygon(&square, Pos2::new(5.0, 5.0)));
        assert!(!inside_polygon(&square, Pos2::new(15.0, 5.0)));
        assert!(!inside_polygon(&square[..2], Pos2::new(5.0, 0.0)));
    }
}
