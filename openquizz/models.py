"""The one model of the project package: openquizz.limits' counters."""

from django.db import models


class Counter(models.Model):
    """One limit counter (openquizz.limits): `n` events under `key` until `expires`.

    Written only by openquizz.limits, with atomic updates outside transactions;
    a TTL index (migration 0001) deletes it once expired.
    """

    key = models.CharField(primary_key=True, max_length=300, db_column="_id")
    n = models.PositiveIntegerField(default=0)
    expires = models.DateTimeField()

    class Meta:
        db_table = "openquizz_limits"

    def __str__(self):
        return f"{self.key}: {self.n}"
