"""How wide a chart's text is drawn, without a renderer: the advance widths of the fonts a reader's browser or the build's
renderer may set the charts' font stack in.

`charting.FONT` asks for Arial; a reader's browser draws Arial, or Liberation Sans (the same widths), or, with neither,
the system's sans-serif, which on Linux is DejaVu Sans; the build's renderer (vl-convert) has no Arial and lays the
static drawings out with DejaVu Sans. A label given room for the wider of the two fits whichever draws it.
"""

from __future__ import annotations


def _widths(thousandths: str) -> list[int]:
    return [int(width) for width in thousandths.split()]


# Advance widths (thousandths of the font size) of the printable ASCII characters, space to tilde, in Helvetica and
# Helvetica Bold (the PDF core fonts' metrics), with which Arial and Liberation Sans share every width. Any other
# character counts as a full em unless OTHER gives it: a width is never underestimated.
HELVETICA = _widths(
    "278 278 355 556 556 889 667 222 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 278 278 584 584 584 556 "
    "1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 "
    "333 556 556 500 556 556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"
)
HELVETICA_BOLD = _widths(
    "278 333 474 556 556 889 722 278 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 333 333 584 584 584 611 "
    "975 722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 667 778 722 667 611 722 667 944 667 667 611 333 278 333 584 556 "
    "333 556 611 556 611 556 333 611 611 278 278 556 278 889 611 611 611 611 389 556 333 611 556 778 556 556 500 389 280 389 584"
)
# The same for DejaVu Sans and DejaVu Sans Bold (measured in Chromium, canvas measureText at 1000 px).
DEJAVU = _widths(
    "318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 636 636 636 636 636 636 337 337 838 838 838 531 "
    "1000 684 686 698 770 632 575 775 752 295 295 656 557 863 748 787 603 787 695 635 611 732 684 989 685 611 685 390 337 390 838 500 "
    "500 613 635 550 635 615 352 635 634 278 278 579 278 974 634 612 635 635 411 521 392 634 592 818 592 592 525 636 337 636 838"
)
DEJAVU_BOLD = _widths(
    "348 456 521 838 696 1002 872 306 457 457 523 838 380 415 380 365 696 696 696 696 696 696 696 696 696 696 400 400 838 838 838 580 "
    "1000 774 762 734 830 683 683 821 837 372 372 775 637 995 837 850 733 850 770 720 682 812 774 1103 771 724 725 457 365 457 838 500 "
    "500 675 716 593 716 678 435 716 712 343 343 665 343 1042 712 687 716 716 493 595 478 712 652 924 645 652 582 712 365 712 838"
)
# The few other characters the charts print, at their widest in either font and weight: en and em dash, minus, times,
# middle dot, no-break space.
OTHER = {"\u2013": 556, "\u2014": 1000, "\u2212": 838, "\u00d7": 838, "\u00b7": 380, "\u00a0": 348}


def em_width(text: str, widths: list[int]) -> float:
    """Return the width of `text` in ems in the font of `widths`, at least as wide as it is drawn."""
    return sum(widths[ord(c) - 32] if 32 <= ord(c) < 127 else OTHER.get(c, 1000) for c in text) / 1000


def text_width(text: str, font_size: float, *, bold: bool = False, least: bool = False) -> float:
    """Return the width in px of `text` at `font_size` in the wider of Arial and DejaVu Sans (of its widest line, if
    several); `least`: in the narrower."""
    fonts = (HELVETICA_BOLD, DEJAVU_BOLD) if bold else (HELVETICA, DEJAVU)
    widths = [max((em_width(line, widths) for line in text.split("\n")), default=0.0) for widths in fonts]
    return (min(widths) if least else max(widths)) * font_size
