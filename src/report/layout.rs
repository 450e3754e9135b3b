//! The table model every text and Markdown report is laid out with: columns
//! (heading, alignment, minimum width) and rows of cells. A report builds
//! its tables once per format (the terminal shows fewer, shorter columns
//! than Markdown, which is read in a document), and the two renderers here
//! own the layout rules: padding and alignment for the terminal, pipes,
//! alignment row and escaping for Markdown. A cell from an input (a name)
//! is [`Cell::Text`] and is escaped by the renderer; a cell the report
//! composes from numbers and fixed words is [`Cell::Markup`].

/// How a column's cells are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text columns.
    Left,
    /// Number columns.
    Right,
}

/// One column: its heading, alignment and minimum width in the terminal
/// (wider cells are not cut; a width of 0 with an empty heading is a gap).
#[derive(Debug, Clone)]
pub struct Column {
    /// Heading.
    pub head: String,
    /// Alignment.
    pub align: Align,
    /// Minimum width in characters (terminal only).
    pub width: usize,
}

/// A left-aligned column.
pub fn left(head: &str, width: usize) -> Column {
    Column { head: head.to_string(), align: Align::Left, width }
}

/// A right-aligned column.
pub fn right(head: &str, width: usize) -> Column {
    Column { head: head.to_string(), align: Align::Right, width }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text that came from an input file: escaped by each renderer.
    Text(String),
    /// Text the report composed (numbers, fixed words, Markdown emphasis).
    Markup(String),
}

impl Cell {
    /// The cell's text, unescaped (each renderer escapes it for its format).
    pub fn as_str(&self) -> &str {
        match self {
            Cell::Text(s) | Cell::Markup(s) => s,
        }
    }
}

/// A composed cell.
pub fn m(s: impl Into<String>) -> Cell {
    Cell::Markup(s.into())
}

/// A cell holding input text.
pub fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// A table: columns and rows, with an indent for the terminal.
#[derive(Debug, Clone)]
pub struct Table {
    /// Spaces before every terminal line.
    pub indent: usize,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new(columns: Vec<Column>) -> Table {
        Table { indent: 0, columns, rows: Vec::new() }
    }

    /// The same table indented by `n` spaces in the terminal.
    pub fn indented(mut self, n: usize) -> Table {
        self.indent = n;
        self
    }

    /// Appends a row (one cell per column).
    pub fn push(&mut self, cells: Vec<Cell>) {
        debug_assert_eq!(cells.len(), self.columns.len(), "one cell per column");
        self.rows.push(cells);
    }

    /// The terminal layout: the heading line (without trailing spaces), then
    /// one line per row, each cell padded to its column's width and the
    /// cells separated by one space.
    pub fn text(&self) -> String {
        let line = |cells: Vec<&str>| {
            let mut s = " ".repeat(self.indent);
            for (i, (c, col)) in cells.iter().zip(&self.columns).enumerate() {
                if i > 0 {
                    s.push(' ');
                }
                let w = col.width;
                match col.align {
                    Align::Left => s.push_str(&format!("{c:<w$}")),
                    Align::Right => s.push_str(&format!("{c:>w$}")),
                }
            }
            s
        };
        let mut out = line(self.columns.iter().map(|c| c.head.as_str()).collect()).trim_end().to_string();
        out.push('\n');
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(text_cell).collect();
            out.push_str(&line(cells.iter().map(String::as_str).collect()));
            out.push('\n');
        }
        out
    }

    /// The Markdown layout: heading row, alignment row, one row per row;
    /// input text escaped.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let row = |out: &mut String, cells: Vec<String>| {
            out.push_str("| ");
            out.push_str(&cells.join(" | "));
            out.push_str(" |\n");
        };
        row(&mut out, self.columns.iter().map(|c| c.head.clone()).collect());
        out.push('|');
        for c in &self.columns {
            out.push_str(if c.align == Align::Right { "---:|" } else { "---|" });
        }
        out.push('\n');
        for r in &self.rows {
            row(
                &mut out,
                r.iter()
                    .map(|c| match c {
                        Cell::Text(s) => md_text(s),
                        Cell::Markup(s) => s.clone(),
                    })
                    .collect(),
            );
        }
        out
    }
}

/// A cell as the terminal shows it.
fn text_cell(c: &Cell) -> String {
    c.as_str().to_string()
}

/// Escapes input text for a Markdown table cell (the one Markdown rule,
/// [`super::escape::markdown`]).
pub fn md_text(s: &str) -> String {
    super::escape::markdown(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let mut t = Table::new(vec![left("Name", 6), right("Cost", 7), left("", 0), left("Note", 5)]);
        t.push(vec![super::t("a|b"), m("$1.0k"), m(""), m("")]);
        t.push(vec![super::t("longer name"), m("$12.5k"), m(""), m("**x**")]);
        t
    }

    #[test]
    fn text_pads_each_cell_and_trims_only_the_heading() {
        assert_eq!(table().text(), "Name      Cost  Note\na|b      $1.0k       \nlonger name  $12.5k  **x**\n");
        assert_eq!(table().indented(2).text().lines().next(), Some("  Name      Cost  Note"));
    }

    #[test]
    fn markdown_aligns_and_escapes_only_input_text() {
        assert_eq!(
            table().markdown(),
            "| Name | Cost |  | Note |\n|---|---:|---|---|\n| a\\|b | $1.0k |  |  |\n| longer name | $12.5k |  | **x** |\n"
        );
    }
}
