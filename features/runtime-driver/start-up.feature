Feature: The variable services during DXE start-up
  The variable services become available in steps. Until the SMM variable driver
  announces itself (gEfiSmmVariableProtocolGuid in the DXE database), gRT still holds
  the DXE core's placeholders, which return EFI_NOT_AVAILABLE_YET. Then the DXE
  wrapper takes over gRT and installs the variable arch protocol; non-volatile writes
  wait until SMM's write service is up and the variable-write arch protocol appears.

  Background:
    Given vendor "TestVendor" is 12345678-1234-1234-1234-123456789abc

  # The placeholders are the DXE core's CoreEfiNotAvailableYetArgN (DxeMain.c)
  Scenario: Before the SMM variable driver is ready the variable services are not available yet
    Given the firmware is in the boot phase
    And the firmware start-up stops before the SMM variable driver is ready
    When I get the variable "HilEarly" of vendor "TestVendor"
    Then the status is EFI_NOT_AVAILABLE_YET
    When I set the variable "HilEarly" of vendor "TestVendor" with attributes BS|RT to text "x"
    Then the status is EFI_NOT_AVAILABLE_YET
    And the protocol "gEfiVariableArchProtocolGuid" is not installed

  # ref 5.1 step 7, 5.2, 5.7
  Scenario: Once SMM is ready reads and volatile writes work; non-volatile writes wait for the write service
    Given the firmware is in the boot phase
    And the firmware start-up stops before the SMM variable driver is ready
    When the SMM variable driver becomes ready
    Then the protocol "gEfiVariableArchProtocolGuid" is installed
    And the protocol "gEfiVariableWriteArchProtocolGuid" is not installed
    When I set the variable "HilVolatile" of vendor "TestVendor" with attributes BS|RT to text "v"
    Then the status is EFI_SUCCESS
    When I set the variable "HilNv" of vendor "TestVendor" with attributes NV|BS|RT to text "n"
    Then the status is EFI_NOT_AVAILABLE_YET
    When the SMM variable write service becomes ready
    Then the protocol "gEfiVariableWriteArchProtocolGuid" is installed
    When I set the variable "HilNv" of vendor "TestVendor" with attributes NV|BS|RT to text "n"
    Then the status is EFI_SUCCESS
    And the variable "HilNv" of vendor "TestVendor" holds text "n"

  Scenario: The protocols of the variable start-up appear in order
    Given the firmware is in the boot phase
    Then the protocols "gEfiSmmVariableProtocolGuid, gEfiVariableArchProtocolGuid, gSmmVariableWriteGuid, gEfiVariableWriteArchProtocolGuid" were installed in that order

  Scenario: Non-volatile variables written earlier are readable as soon as SMM is ready
    Given the firmware is in the boot phase
    When I set the variable "HilKept" of vendor "TestVendor" with attributes NV|BS|RT to text "kept"
    And the firmware start-up stops before the SMM variable write service is ready
    Then the variable "HilKept" of vendor "TestVendor" holds text "kept"
