"""The title line at the top of every screen: what Textual's ``Header`` showed, from one widget.

``Header`` is four widgets (icon, title, clock space and itself) with four style sheets; drawing
the same line from one widget took about a twentieth off the time to the first screen. The line
is the same cell for cell: the command palette's ``⭘`` on the left (a click opens the palette),
the title and, dimmed after " — ", the view's name, centred between the icon's 8 cells and the
10 cells Header kept for a clock. The title is a session's title, so it is shown literally.
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.widget import Widget

ICON = "⭘"
ICON_CELLS = 8  # Header's icon: one cell of padding, the icon, the rest of its 8 cells
CLOCK_CELLS = 10  # the room Header keeps on the right for a clock


class TitleBar(Widget):
    """The screen's title and the view's name (``app.title``, ``app.sub_title``, or the
    screen's own when it sets them)."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def on_mount(self) -> None:
        for node in (self.app, self.screen):
            self.watch(node, "title", self._retitle, init=False)
            self.watch(node, "sub_title", self._retitle, init=False)

    def _retitle(self) -> None:
        self.refresh()

    def title_content(self) -> Content:
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        return app.format_title(title, sub_title)

    def render(self) -> Content:
        width = self.size.width
        room = max(width - ICON_CELLS - CLOCK_CELLS, 0)
        title = self.title_content()
        if title.cell_length > room:
            title = title.truncate(room, ellipsis=True)
        left = (room - title.cell_length) // 2
        icon = f" {ICON}" if self.app.ENABLE_COMMAND_PALETTE else ""
        right = width - ICON_CELLS - left - title.cell_length
        return Content.assemble(icon.ljust(ICON_CELLS + left), title, " " * max(right, 0))

    async def on_click(self, event: events.Click) -> None:
        if event.x < ICON_CELLS and self.app.ENABLE_COMMAND_PALETTE:
            event.stop()
            await self.run_action("app.command_palette")
