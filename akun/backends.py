"""Authentication backend: Django's ModelBackend, with a user's permissions read in one statement."""

from __future__ import annotations

import functools

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Model

from .models import User


@functools.cache
def _permissions_sql() -> str:
    """The rows ModelBackend reads in two ORM queries (`_get_user_permissions`: the user's own;
    `_get_group_permissions`: those of the user's groups), as one plain statement."""
    own = User._meta.get_field("user_permissions")  # user -> permission
    groups = User._meta.get_field("groups")  # user -> group
    group_perms = Group._meta.get_field("permissions")  # group -> permission
    tables = {
        "perm": Permission._meta.db_table, "ct": ContentType._meta.db_table,
        "own": own.m2m_db_table(), "own_user": own.m2m_column_name(), "own_perm": own.m2m_reverse_name(),
        "ug": groups.m2m_db_table(), "ug_user": groups.m2m_column_name(), "ug_group": groups.m2m_reverse_name(),
        "gp": group_perms.m2m_db_table(), "gp_group": group_perms.m2m_column_name(),
        "gp_perm": group_perms.m2m_reverse_name(),
    }
    # Names come from the models; the user's id is a parameter.
    return (  # noqa: S608
        "SELECT ct.app_label, p.codename FROM {perm} p JOIN {ct} ct ON ct.id = p.content_type_id "
        "WHERE p.id IN (SELECT {own_perm} FROM {own} WHERE {own_user} = %s) "
        "OR p.id IN (SELECT gp.{gp_perm} FROM {gp} gp JOIN {ug} ug ON ug.{ug_group} = gp.{gp_group} "
        "WHERE ug.{ug_user} = %s)"
    ).format(**{key: connection.ops.quote_name(name) for key, name in tables.items()})


class PermissionsInOneQueryBackend(ModelBackend):
    """ModelBackend, except that a user's own permissions and their groups' are read together, in one
    plain statement, instead of two ORM queries: every counter request checks permissions, and
    building those two queries cost more CPU than running them.

    The rest is ModelBackend's: an inactive user has no permissions, a superuser has all of them,
    none are given per object, and the set is kept only on the user object, that is for one request,
    so a permission the admin takes away counts from the very next request.
    """

    def get_all_permissions(self, user_obj: User | AnonymousUser, obj: Model | None = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cached: set[str] | None = getattr(user_obj, "_perm_cache", None)  # where ModelBackend keeps it
        if cached is None:
            if user_obj.is_superuser:
                names = list(Permission.objects.values_list("content_type__app_label", "codename"))
            else:
                with connection.cursor() as cursor:
                    cursor.execute(_permissions_sql(), [user_obj.pk, user_obj.pk])
                    names = cursor.fetchall()
            cached = {f"{app_label}.{codename}" for app_label, codename in names}
            user_obj._perm_cache = cached  # type: ignore[attr-defined]
        return cached
