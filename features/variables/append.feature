Feature: Appending to variables
  SetVariable with the APPEND attribute adds the caller's bytes after the stored
  ones. The APPEND bit itself is never stored. Appending nothing changes nothing,
  even for a variable that does not exist; appending data to a missing variable
  creates it.

  Background:
    Given vendor "TestVendor" is 12345678-1234-1234-1234-123456789abc

  # section 11 (observed on OVMF); ref 3.2: APPEND is not part of the stored attributes
  Scenario: Appending to a variable adds the bytes after the stored ones
    Given the firmware is in the boot phase
    When I set the variable "HilAppend" of vendor "TestVendor" with attributes NV|BS|RT to text "abcd"
    Then the status is EFI_SUCCESS
    When I append text "ef" to the variable "HilAppend" of vendor "TestVendor" with attributes NV|BS|RT
    Then the status is EFI_SUCCESS
    When I get the variable "HilAppend" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the data is text "abcdef"
    And the data size is 6
    And the attributes are NV|BS|RT

  Scenario: Successive appends accumulate in order
    Given the firmware is in the boot phase
    When I set the variable "HilAppendMany" of vendor "TestVendor" with attributes NV|BS to hex "00 01"
    Then the status is EFI_SUCCESS
    When I append hex "02 03 04" to the variable "HilAppendMany" of vendor "TestVendor" with attributes NV|BS
    Then the status is EFI_SUCCESS
    When I append hex "05 06 07 08 09" to the variable "HilAppendMany" of vendor "TestVendor" with attributes NV|BS
    Then the status is EFI_SUCCESS
    And the variable "HilAppendMany" of vendor "TestVendor" holds 10 sequential bytes

  # ref 3.4 spec usage rules: with APPEND, DataSize 0 does not change the value
  Scenario: Appending no data to a variable keeps its value
    Given the firmware is in the boot phase
    When I set the variable "HilAppendNothing" of vendor "TestVendor" with attributes NV|BS|RT to text "unchanged"
    Then the status is EFI_SUCCESS
    When I append no data to the variable "HilAppendNothing" of vendor "TestVendor" with attributes NV|BS|RT
    Then the status is EFI_SUCCESS
    And the variable "HilAppendNothing" of vendor "TestVendor" holds text "unchanged"

  # ref 3.4.2, no existing variable: DataSize 0 with APPEND succeeds without a write; section 11 (observed)
  Scenario: Appending no data to a missing variable succeeds and creates nothing
    Given the firmware is in the boot phase
    When I append no data to the variable "HilAppendGhost" of vendor "TestVendor" with attributes NV|BS|RT
    Then the status is EFI_SUCCESS
    And the variable "HilAppendGhost" of vendor "TestVendor" does not exist

  # ref 3.4.2, no existing variable: an append with data is an ordinary create
  Scenario: Appending data to a missing variable creates it
    Given the firmware is in the boot phase
    When I append text "created" to the variable "HilAppendCreate" of vendor "TestVendor" with attributes BS|RT
    Then the status is EFI_SUCCESS
    When I get the variable "HilAppendCreate" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the data is text "created"
    And the attributes are BS|RT

  # ref 3.4.1 #13: only the APPEND bit may differ from the stored attributes
  Scenario: Appending with other attributes is EFI_INVALID_PARAMETER and keeps the value
    Given the firmware is in the boot phase
    When I set the variable "HilAppendMismatch" of vendor "TestVendor" with attributes NV|BS|RT to text "abcd"
    Then the status is EFI_SUCCESS
    When I append text "ef" to the variable "HilAppendMismatch" of vendor "TestVendor" with attributes BS|RT
    Then the status is EFI_INVALID_PARAMETER
    And the variable "HilAppendMismatch" of vendor "TestVendor" holds text "abcd"

  # ref 3.4.2, no existing variable: APPEND alone carries no BS/RT access bits, so it is EFI_NOT_FOUND
  Scenario: Appending data with no access attributes to a missing variable is EFI_NOT_FOUND
    Given the firmware is in the boot phase
    When I append text "nowhere" to the variable "HilAppendNoAccess" of vendor "TestVendor" with attributes 0
    Then the status is EFI_NOT_FOUND
    And the variable "HilAppendNoAccess" of vendor "TestVendor" does not exist

  # ref 3.4.2: old + new data may not exceed MaxVariableSize - (HeaderSize + NameSize);
  # for the 12-character name below that is 0x8400 - 60 - 26 = 33706 bytes
  Scenario: An append may fill a variable up to the size limit but not beyond
    Given the firmware is in the boot phase
    When I set the variable "HilAppendMax" of vendor "TestVendor" with attributes NV|BS|RT to 33700 bytes of 0x11
    Then the status is EFI_SUCCESS
    When I append 7 bytes of 0x11 to the variable "HilAppendMax" of vendor "TestVendor" with attributes NV|BS|RT
    Then the status is EFI_INVALID_PARAMETER
    And the variable "HilAppendMax" of vendor "TestVendor" holds 33700 bytes of 0x11
    When I append 6 bytes of 0x11 to the variable "HilAppendMax" of vendor "TestVendor" with attributes NV|BS|RT
    Then the status is EFI_SUCCESS
    And the variable "HilAppendMax" of vendor "TestVendor" holds 33706 bytes of 0x11
