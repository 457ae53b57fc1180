; Inno Setup script: installs the one-folder app built by packaging/workbench.spec for the
; current user only, with no administrator rights (a managed council laptop): a Start menu
; entry, the .tender file type opening in the workbench with its own icon, and an uninstaller.
; Build on Windows (see README, "Building the Windows installer"):
;   pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller packaging\workbench.spec
;   iscc /DAppVersion=0.1.0 packaging\windows\workbench.iss
; The installer is written to dist\installer\.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Tender Evaluation Workbench"
#define AppExe "workbench.exe"
#define Root "..\.."

[Setup]
; A fixed id: upgrades replace the earlier install instead of adding a second one.
AppId={{6E0C5E7B-3B8C-4E7D-9B7E-2A51D3F0C1A4}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Tender Workbench
VersionInfoVersion={#AppVersion}
VersionInfoDescription={#AppName} installer
; Per user, no elevation: installs under %LOCALAPPDATA%\Programs, registry entries under HKCU.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline dialog
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ChangesAssociations=yes
LicenseFile={#Root}\LICENSE
SetupIconFile={#Root}\resources\icons\workbench.ico
UninstallDisplayIcon={app}\{#AppExe}
OutputDir={#Root}\dist\installer
OutputBaseFilename=TenderEvaluationWorkbench-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "Create a &desktop shortcut"; Flags: unchecked

[Files]
Source: "{#Root}\dist\workbench\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "{#Root}\resources\icons\workbench.ico"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; IconFilename: "{app}\workbench.ico"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; IconFilename: "{app}\workbench.ico"; Tasks: desktopicon

[Registry]
; The .tender file type, registered for this user (HKA is HKCU in a per-user install).
Root: HKA; Subkey: "Software\Classes\.tender"; ValueType: string; ValueName: ""; ValueData: "TenderWorkbench.Tender"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.tender\OpenWithProgids"; ValueType: string; ValueName: "TenderWorkbench.Tender"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\TenderWorkbench.Tender"; ValueType: string; ValueName: ""; ValueData: "Tender evaluation file"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\TenderWorkbench.Tender\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\workbench.ico,0"
Root: HKA; Subkey: "Software\Classes\TenderWorkbench.Tender\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".tender"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppExe}"; Description: "Start {#AppName}"; Flags: nowait postinstall skipifsilent
