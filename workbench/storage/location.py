"""Where a tender file lives: a local disk, or a network drive or synced folder.

SQLite's WAL journal keeps part of the file in shared memory beside it, which network file
systems do not provide, and a sync client (OneDrive, Dropbox...) may upload the `.tender`
without its `-wal`. On such places the file is written with a rollback journal instead, so the
`.tender` is complete after every commit. Detection looks at the path (known sync folders,
UNC paths), the drive type on Windows and the mount table on Linux.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PureWindowsPath

#: Folder names that sync clients create: OneDrive (also "OneDrive - Council Name"),
#: SharePoint libraries synced by OneDrive, Dropbox, Google Drive, iCloud Drive.
_SYNC_FOLDERS = {
    "onedrive": "OneDrive", "sharepoint": "SharePoint", "dropbox": "Dropbox",
    "google drive": "Google Drive", "googledrive": "Google Drive", "my drive": "Google Drive",
    "icloud drive": "iCloud Drive", "iclouddrive": "iCloud Drive",
    "mobile documents": "iCloud Drive", "com~apple~clouddocs": "iCloud Drive",
}
#: Linux file system types that live on another machine.
_NETWORK_TYPES = ("nfs", "nfs4", "cifs", "smb3", "smbfs", "smb", "ncpfs", "afs", "9p",
                  "fuse.sshfs", "sshfs", "davfs", "fuse.davfs2", "ceph", "glusterfs",
                  "fuse.glusterfs", "fuse.rclone", "lustre", "gpfs", "fuse.gvfsd-fuse")


def sync_folder(path: Path | PureWindowsPath) -> str:
    """The sync service whose folder holds `path`, or "" (by the folders' names, and by the
    folders OneDrive announces in its environment variables on Windows)."""
    for variable in ("OneDrive", "OneDriveCommercial", "OneDriveConsumer"):
        root = os.environ.get(variable)
        if root and type(path)(root) in (path, *path.parents):
            return "OneDrive"
    for part in path.parts[:-1]:
        name = part.lower()
        for marker, service in _SYNC_FOLDERS.items():
            # "OneDrive - Council", "OneDrive-Personal", "Dropbox (Council)" (Dropbox for
            # teams), macOS "CloudStorage/Dropbox-Work"
            if name == marker or name.startswith((marker + " -", marker + "-", marker + " (")):
                return service
    return ""


def unc_share(path: PureWindowsPath) -> bool:
    """True for \\\\server\\share\\... paths (not \\\\?\\C:\\ long local paths)."""
    drive = path.drive
    return (drive.startswith("\\\\") and not drive.startswith(("\\\\?\\", "\\\\.\\"))) \
        or drive.upper().startswith("\\\\?\\UNC\\")


def mount_type(path: Path, mounts: str) -> str:
    """The file system type of the mount holding `path`, from /proc/mounts text."""
    best, kind = "", ""
    target = str(path)
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind


def shared_location(path: Path, *, mounts: str | None = None) -> str:
    """Why `path` is not a plain local disk ("on a network drive (nfs)", "in a OneDrive
    folder"), or "" when it is."""
    resolved = path.resolve()
    service = sync_folder(resolved)
    if service:
        return f"in a {service} folder"
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return _windows_network(resolved)
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
    kind = mount_type(resolved, mounts)
    if kind in _NETWORK_TYPES or kind.startswith(("nfs", "fuse.sshfs")):
        return f"on a network drive ({kind})"
    return ""


def _windows_network(path: Path) -> str:  # pragma: no cover - Windows only
    if unc_share(PureWindowsPath(path)):
        return "on a network share"
    import ctypes

    root = os.path.splitdrive(str(path))[0] + "\\"
    drive_remote = 4
    if ctypes.windll.kernel32.GetDriveTypeW(root) == drive_remote:  # type: ignore[attr-defined]
        return "on a mapped network drive"
    return ""
