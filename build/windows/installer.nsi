; Rapport's Windows installer (makensis, from `make dist`).
; Per-user: no administrator rights; the program goes to
; %LocalAppData%\Programs\Rapport, the data stays in %LocalAppData%\Rapport
; (the app's own choice, app/config.go) and survives an uninstall unless the
; user asks for it to go. Nothing is downloaded.
;
; makensis -DVERSION=… -DFILEVERSION=a.b.c.d -DARCH=amd64|arm64 -DEXE=path -DOUTFILE=path installer.nsi

Unicode true
ManifestDPIAware true
SetCompressor /SOLID lzma
RequestExecutionLevel user
; Reproducible: no file times stored in the installer.
SetDateSave off

!include MUI2.nsh
!include LogicLib.nsh
!include x64.nsh

!define APP "Rapport"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Rapport"
!define APPPATHS "Software\Microsoft\Windows\CurrentVersion\App Paths\rapport.exe"
; The Evergreen WebView2 Runtime's client id (Microsoft: "Detect if a
; WebView2 Runtime is already installed").
!define WEBVIEW2 "Software\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

Name "${APP}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\Rapport"
InstallDirRegKey HKCU "${UNINSTKEY}" "InstallLocation"
BrandingText "${APP} ${VERSION}"

VIProductVersion "${FILEVERSION}"
VIAddVersionKey /LANG=1033 "ProductName" "${APP}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "FileDescription" "${APP} installer (${ARCH})"
VIAddVersionKey /LANG=1033 "LegalCopyright" ""

!define MUI_ICON "icon.ico"
!define MUI_UNICON "icon.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\rapport.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP}"

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

; WebView2 is there when a "pv" version other than 0.0.0.0 is registered,
; per machine (HKLM; a 32-bit installer reads the WOW6432Node view, where
; Microsoft registers it on 64-bit Windows) or per user (HKCU).
Function HasWebView2
  ReadRegStr $0 HKLM "${WEBVIEW2}" "pv"
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKCU "${WEBVIEW2}" "pv"
  ${EndIf}
  ${If} $0 == "0.0.0.0"
    StrCpy $0 ""
  ${EndIf}
FunctionEnd

Function .onInit
  SetShellVarContext current
  !if "${ARCH}" == "arm64"
    ${IfNot} ${IsNativeARM64}
      MessageBox MB_OK|MB_ICONSTOP "This installer is for Windows on Arm. Use the x64 installer of ${APP} on this PC." /SD IDOK
      Abort
    ${EndIf}
  !else
    ${IfNot} ${RunningX64}
      MessageBox MB_OK|MB_ICONSTOP "${APP} needs 64-bit Windows." /SD IDOK
      Abort
    ${EndIf}
  !endif
  Call HasWebView2
  ${If} $0 == ""
    MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 \
      "${APP} shows its window with the Microsoft Edge WebView2 Runtime, which this PC does not have.$\r$\n$\r$\nWindows 11 includes it. On Windows 10, install the WebView2 Runtime (Evergreen) from Microsoft's WebView2 page or ask your IT department, then start ${APP}. This installer downloads nothing.$\r$\n$\r$\nInstall ${APP} anyway?" \
      /SD IDYES IDYES +2
    Abort
  ${EndIf}
FunctionEnd

Section "${APP}" SecMain
  SetOutPath "$INSTDIR"
  File "/oname=rapport.exe" "${EXE}"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\rapport.exe" "" "$INSTDIR\rapport.exe" 0
  WriteRegStr HKCU "${APPPATHS}" "" "$INSTDIR\rapport.exe"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "${APP}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\rapport.exe,0"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
SectionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

; The data (store, search index, DPAPI-protected sign-in tokens) stays
; unless the user says otherwise; a silent uninstall (/S) keeps it.
Section "Uninstall"
  Delete "$INSTDIR\rapport.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APP}.lnk"
  DeleteRegKey HKCU "${APPPATHS}"
  DeleteRegKey HKCU "${UNINSTKEY}"
  MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 \
    "Also delete your ${APP} data?$\r$\n$\r$\n$LOCALAPPDATA\Rapport holds your local copy of the conversations and records, the search index, your saved searches and links not yet sent, and the sign-in tokens. Keep it to find everything again after reinstalling." \
    /SD IDNO IDNO keep
  RMDir /r "$LOCALAPPDATA\Rapport"
  keep:
SectionEnd
