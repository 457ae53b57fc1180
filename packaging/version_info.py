"""The Windows version resource of workbench.exe (File Explorer > Properties > Details), built
from the package version so that there is one place to change it."""

from __future__ import annotations

from PyInstaller.utils.win32.versioninfo import (
    FixedFileInfo,
    StringFileInfo,
    StringStruct,
    StringTable,
    VarFileInfo,
    VarStruct,
    VSVersionInfo,
)

COMPANY = "Tender Workbench"
PRODUCT = "Tender Evaluation Workbench"


def version_resource(version: str, exe_name: str, description: str) -> VSVersionInfo:
    parts = [int(part) for part in version.split(".")[:3]]
    numbers = tuple([*parts, 0, 0, 0, 0][:4])  # Windows wants four numbers: 0.1.0.0
    return VSVersionInfo(
        ffi=FixedFileInfo(filevers=numbers, prodvers=numbers, mask=0x3F, flags=0x0, OS=0x40004,
                          fileType=0x1, subtype=0x0, date=(0, 0)),
        kids=[
            StringFileInfo([StringTable("080904B0", [  # English (United Kingdom), Unicode
                StringStruct("CompanyName", COMPANY),
                StringStruct("FileDescription", description),
                StringStruct("FileVersion", version),
                StringStruct("InternalName", exe_name),
                StringStruct("LegalCopyright", "MIT licence; see LICENSE and "
                             "THIRD-PARTY-NOTICES.txt"),
                StringStruct("OriginalFilename", f"{exe_name}.exe"),
                StringStruct("ProductName", PRODUCT),
                StringStruct("ProductVersion", version),
            ])]),
            VarFileInfo([VarStruct("Translation", [0x0809, 1200])]),
        ],
    )
