"""SVG images made safe to serve, or refused.

`sanitised` parses the file with defusedxml (no DTD, so no entities) and
keeps it only when every element and attribute is on an allow-list of static
SVG: no script, no foreignObject, no event attribute, no link or reference
outside the file (href only to "#fragment", url() only to "#fragment", no
@import), no other namespace than SVG's and XLink's except the editors' own
(Inkscape, Sodipodi, RDF metadata), which are dropped. Anything else is
refused with a message naming it: refusing is safer than guessing. The
result is the parsed tree written out again, so comments, processing
instructions and whatever the parser skipped are not in it.
"""

import re
import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# Editors' namespaces: inert in browsers, dropped.
DROPPED_NS = {
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://creativecommons.org/ns#",
    "http://purl.org/dc/elements/1.1/",
}
DROPPED_ELEMENTS = {"metadata"}


def words(text):
    return frozenset(text.split())


ELEMENTS = words(
    """svg g defs symbol use title desc path rect circle ellipse line polyline polygon
    text tspan textPath linearGradient radialGradient stop pattern clipPath mask marker
    style filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix
    feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB
    feFuncG feFuncR feGaussianBlur feMerge feMergeNode feMorphology feOffset fePointLight
    feSpecularLighting feSpotLight feTile feTurbulence"""
)
ATTRIBUTES = words(
    """id class style transform viewBox preserveAspectRatio version width height x y x1 y1
    x2 y2 cx cy r rx ry fx fy fr d points pathLength dx dy rotate lengthAdjust textLength
    startOffset method spacing side href gradientUnits gradientTransform spreadMethod offset
    patternUnits patternContentUnits patternTransform clipPathUnits maskUnits
    maskContentUnits markerUnits markerWidth markerHeight refX refY orient filterUnits
    primitiveUnits in in2 result mode type values operator k1 k2 k3 k4 order kernelMatrix
    divisor bias targetX targetY edgeMode preserveAlpha surfaceScale diffuseConstant
    specularConstant specularExponent kernelUnitLength scale xChannelSelector
    yChannelSelector azimuth elevation z pointsAtX pointsAtY pointsAtZ limitingConeAngle
    stdDeviation radius baseFrequency numOctaves seed stitchTiles tableValues slope
    intercept amplitude exponent fill fill-opacity fill-rule stroke stroke-width
    stroke-opacity stroke-linecap stroke-linejoin stroke-miterlimit stroke-dasharray
    stroke-dashoffset opacity color display visibility overflow clip clip-path clip-rule
    mask filter marker-start marker-mid marker-end stop-color stop-opacity flood-color
    flood-opacity lighting-color color-interpolation color-interpolation-filters
    shape-rendering text-rendering image-rendering font-family font-size font-style
    font-weight font-variant font-stretch font-size-adjust text-anchor text-decoration
    dominant-baseline alignment-baseline baseline-shift letter-spacing word-spacing
    writing-mode direction unicode-bidi vector-effect paint-order mix-blend-mode
    isolation"""
)
LINKING = {"href"}
# Deeper than any drawing needs; checking and writing the tree out recurse.
DEPTH_MAX = 200
# In CSS: url() to anything but a fragment, @import, and the old ways to run script.
UNSAFE_CSS = re.compile(
    r"url\s*\(\s*(?!['\"]?#)|@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding",
    re.I,
)


class UnsafeSvg(ValueError):
    """An SVG that cannot be made safe; the message says what is in the way."""


def looks_like_svg(data):
    """Whether `data` starts like an XML or SVG document (what `sanitised` may take)."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in data[:4096].lower()


def split(tag):
    """(namespace, local name) of an ElementTree tag or attribute name."""
    if tag.startswith("{"):
        namespace, _brace, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def refuse(message, **names):
    raise UnsafeSvg(
        _("This SVG image cannot be made safe: %(reason)s") % {"reason": message % names}
    )


def sanitised(data):
    """The safe SVG of `data` (bytes), or UnsafeSvg."""
    try:
        root = fromstring(data, forbid_dtd=True)
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        raise UnsafeSvg(_("This SVG image is not well-formed XML, or declares a DTD.")) from exc
    if split(root.tag) != (SVG_NS, "svg"):
        raise UnsafeSvg(_("This file is not an SVG image (its root element is not <svg>)."))
    if depth(root) > DEPTH_MAX:
        raise UnsafeSvg(
            _("This SVG image nests elements more than %(count)s deep.") % {"count": DEPTH_MAX}
        )
    clean(root)
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def depth(root):
    """How deep the tree under `root` goes (without recursing)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        element, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in element)
    return deepest


def clean(element):
    """Check `element` and its subtree in place, dropping the editors' parts."""
    for child in list(element):
        namespace, local = split(child.tag)
        if namespace in DROPPED_NS or (namespace == SVG_NS and local in DROPPED_ELEMENTS):
            element.remove(child)
        elif namespace != SVG_NS or local not in ELEMENTS:
            refuse(_("the element <%(name)s> is not allowed."), name=local)
        else:
            clean(child)
    namespace, local = split(element.tag)
    if local == "style":
        check_css(element.text or "")
    for name, value in list(element.attrib.items()):
        check_attribute(element, name, value)


def check_attribute(element, name, value):
    namespace, local = split(name)
    if namespace in DROPPED_NS:
        del element.attrib[name]
        return
    if local.lower().startswith("on"):
        refuse(_("event attributes such as %(name)s are not allowed."), name=local)
    if namespace == XML_NS and local in {"space", "lang"}:
        return
    if namespace not in ("", XLINK_NS) or (namespace == XLINK_NS and local != "href"):
        refuse(_("the attribute %(name)s is not allowed."), name=local)
    if local not in ATTRIBUTES:
        refuse(_("the attribute %(name)s is not allowed."), name=local)
    if local in LINKING and not value.strip().startswith("#"):
        refuse(_("links outside the image (%(name)s) are not allowed."), name=value.strip()[:60])
    check_css(value)


def check_css(text):
    if UNSAFE_CSS.search(text):
        refuse(_("references outside the image in its styles are not allowed."))
