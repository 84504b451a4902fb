"""Three-way merge of an edit made from an older version: the rules, in one place.

A form (or an API client) carries the version it was loaded from. When the
object has changed since, the save compares three states of plain data, as
dicts of the same shape:

- `base`: the object as the form was loaded (that version);
- `theirs`: the object as it is now (what others saved meanwhile);
- `yours`: what the form sends.

Field by field (a nested dict's fields are fields too, named "options.pass_mark"):

- only you changed it: your value is applied (`Merged.yours` names it);
- only they changed it: their value is kept (`Merged.theirs` names it);
- you both changed it the same way, or nobody did: it is kept;
- you both changed it differently: a `Conflict`, and their value stays until
  the teacher chooses (`Merged.resolve`). Nothing is saved while a conflict
  is unresolved: that is the caller's rule, not this module's.

Two kinds of field merge finer than a whole value:

- a list of items with an identity (`keyed`, e.g. {"answers": "uid"}) merges
  item by item: an item is added, removed or changed by one side or the other
  as a field would be; an item both changed differently (or one changed and
  the other removed) is a conflict named "answers.<its key>". The order is
  yours if you reordered the items, else theirs; items only one side added
  follow the item they followed on that side. Items without a key in `yours`
  are new.
- a set kept as a list (`sets`, e.g. ("tags",)) merges additions and removals
  of both sides, and never conflicts.

Nothing here reads or writes the database: callers read the base (a quiz's
revision snapshot, a question's version), call `merge`, then save
`Merged.data` under the current version (quizzes.operations).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MISSING = object()
SEPARATOR = "."


@dataclass(frozen=True)
class Conflict:
    """A field both sides changed differently: its three values (MISSING: absent)."""

    field: str
    base: object
    theirs: object
    yours: object


@dataclass
class Merged:
    """The outcome of `merge`: `data` to save (their value where a conflict is),
    the fields taken from each side, and the conflicts."""

    data: dict
    yours: list = field(default_factory=list)
    theirs: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)
    _keyed: dict = field(default_factory=dict, repr=False)

    @property
    def clean(self):
        return not self.conflicts

    def resolve(self, choices):
        """The data to save once the teacher chose, for each conflict's field, "yours",
        "theirs" or "base" (`choices`: field → choice). KeyError names a conflict
        without a choice; ValueError an unknown choice."""
        flat = flatten(self.data)
        lists = {name: list(self.data[name]) for name in self._keyed if name in self.data}
        for conflict in self.conflicts:
            choice = choices[conflict.field]
            if choice not in CHOICES:
                raise ValueError(f"unknown choice {choice!r} for {conflict.field}")
            value = getattr(conflict, choice)
            list_name, _sep, key = conflict.field.partition(SEPARATOR)
            if list_name in self._keyed and key:
                lists[list_name] = replace_item(
                    lists[list_name], self._keyed[list_name], key, value, conflict
                )
            elif value is MISSING:
                flat.pop(conflict.field, None)
            else:
                flat[conflict.field] = value
        data = unflatten(flat)
        data.update(lists)
        return data


CHOICES = ("yours", "theirs", "base")


def merge(base, theirs, yours, keyed=None, sets=()):
    """Merge `yours` into `theirs` from their common `base` (see the module docstring).
    `keyed`: list fields merged item by item, name → the items' key; `sets`: list
    fields merged as sets. Fields absent from `yours` are not part of the edit."""
    keyed = keyed or {}
    merged = Merged(data={}, _keyed=dict(keyed))
    flat_base, flat_theirs, flat_yours = flatten(base), flatten(theirs), flatten(yours)
    for name in dict.fromkeys([*flat_theirs, *flat_yours]):
        if name not in flat_yours:
            merged.data[name] = flat_theirs[name]
            continue
        b, t, y = (flat.get(name, MISSING) for flat in (flat_base, flat_theirs, flat_yours))
        if name in keyed:
            merged.data[name] = merge_items(name, keyed[name], b, t, y, merged)
        elif name in sets:
            merged.data[name] = merge_set(b, t, y, name, merged)
        else:
            value = merge_value(name, b, t, y, merged)
            if value is not MISSING:
                merged.data[name] = value
    merged.data = unflatten(merged.data)
    return merged


def merge_value(name, base, theirs, yours, merged):
    """One field's merged value, noting in `merged` whose it is or the conflict."""
    if yours == theirs:
        return theirs
    if yours == base:
        merged.theirs.append(name)
        return theirs
    if theirs == base:
        merged.yours.append(name)
        return yours
    merged.conflicts.append(Conflict(name, base, theirs, yours))
    return theirs


def merge_set(base, theirs, yours, name, merged):
    base, theirs, yours = (list(v) if v is not MISSING else [] for v in (base, theirs, yours))
    added = [item for item in yours if item not in base and item not in theirs]
    removed = {item for item in base if item not in yours}
    result = [item for item in theirs if item not in removed] + added
    if added or removed & set(theirs):
        merged.yours.append(name)
    if set(theirs) != set(base):
        merged.theirs.append(name)
    return result


def merge_items(name, key, base, theirs, yours, merged):
    """A keyed list's merged items (see the module docstring)."""
    base, theirs, yours = (list(v) if v is not MISSING else [] for v in (base, theirs, yours))
    by_key = [{item[key]: item for item in items if item.get(key)} for items in (base, theirs)]
    base_items, their_items = by_key
    your_items = {}
    for index, item in enumerate(yours):
        your_items[item.get(key) or f"new-{index}"] = item
    order = item_order(list(base_items), list(their_items), list(your_items))
    result, touched_yours, touched_theirs = [], False, False
    for item_key in order:
        b, t, y = (items.get(item_key, MISSING) for items in (base_items, their_items, your_items))
        changes = Merged(data={})
        value = merge_value(f"{name}{SEPARATOR}{item_key}", b, t, y, changes)
        merged.conflicts += changes.conflicts
        touched_yours |= bool(changes.yours)
        touched_theirs |= bool(changes.theirs)
        if value is not MISSING:
            result.append(value)
    if touched_yours or relative(list(your_items), base_items) != list(base_items):
        merged.yours.append(name)
    if touched_theirs or relative(list(their_items), base_items) != list(base_items):
        merged.theirs.append(name)
    return result


def relative(keys, among):
    return [key for key in keys if key in among]


def item_order(base, theirs, yours):
    """The merged order of item keys: yours if you reordered the items kept from the
    base, else theirs; then each item only the other side has (it added it, or
    the first side removed it), after the item it followed there (at the start
    if it was first)."""
    primary, other = (yours, theirs) if relative(yours, base) != base else (theirs, yours)
    order = list(primary)
    for index, item_key in enumerate(other):
        if item_key in order:
            continue
        before = next((k for k in reversed(other[:index]) if k in order), None)
        order.insert(order.index(before) + 1 if before is not None else 0, item_key)
    return order


def replace_item(items, key, item_key, value, conflict):
    """`items` with the item `item_key` set to `value` (MISSING: removed), at its place
    in the merged list or, when the merge dropped it, where it was in the side chosen."""
    kept = [item for item in items if item.get(key) != item_key]
    if value is MISSING:
        return kept
    if len(kept) < len(items):
        return [value if item.get(key) == item_key else item for item in items]
    return [*kept, value]


def flatten(data, prefix=""):
    """{"options": {"pass_mark": 70}} → {"options.pass_mark": 70} (one level per dict)."""
    flat = {}
    for name, value in data.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{name}{SEPARATOR}"))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


def unflatten(flat):
    data = {}
    for name, value in flat.items():
        *parents, last = name.split(SEPARATOR)
        node = data
        for parent in parents:
            node = node.setdefault(parent, {})
        node[last] = value
    return data


def summary(merged, authors, label):
    """The sentence that tells the teacher what a clean merge did, e.g. "Léa changed the
    pass mark meanwhile; your change of the tags was added." `authors`: the names
    of who saved since the base; `label(field)`: a field's name for people."""
    who = ", ".join(authors) or _("Someone")
    theirs = ", ".join(str(label(name)) for name in merged.theirs)
    yours = ", ".join(str(label(name)) for name in merged.yours if name not in merged.theirs)
    parts = []
    if theirs:
        parts.append(_("%(who)s changed %(fields)s meanwhile") % {"who": who, "fields": theirs})
    else:
        parts.append(_("%(who)s saved other changes meanwhile") % {"who": who})
    if yours:
        parts.append(
            ngettext(
                "your change of %(fields)s was added",
                "your changes of %(fields)s were added",
                len(merged.yours),
            )
            % {"fields": yours}
        )
    return "; ".join(parts) + "."
