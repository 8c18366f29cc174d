@requires:os-phase
Feature: Variable rules at runtime
  After ExitBootServices only variables with runtime access are visible. Variables
  without it can be neither read nor written, volatile variables become read-only,
  and only non-volatile runtime variables can be created, changed or deleted.
  QueryVariableInfo then answers only for storage with runtime access.
  SetVirtualAddressMap changes none of this.

  Background:
    Given vendor "TestVendor" is 12345678-1234-1234-1234-123456789abc

  # ref 3.3 #3
  Scenario: A non-volatile runtime variable set at boot is readable after ExitBootServices
    Given the firmware is in the boot phase
    When I set the variable "HilRuntime" of vendor "TestVendor" with attributes NV|BS|RT to text "visible"
    Then the status is EFI_SUCCESS
    When the OS calls ExitBootServices
    And I get the variable "HilRuntime" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the data is text "visible"
    And the attributes are NV|BS|RT

  # ref 3.3 #3; section 11 (observed through efivarfs)
  Scenario: A volatile runtime variable set at boot is readable after ExitBootServices
    Given the firmware is in the boot phase
    When I set the variable "HilRuntimeVolatile" of vendor "TestVendor" with attributes BS|RT to text "visible"
    Then the status is EFI_SUCCESS
    When the OS calls ExitBootServices
    And I get the variable "HilRuntimeVolatile" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the data is text "visible"
    And the attributes are BS|RT

  # ref 3.3 #3 and 8 #9: without RT a variable is invisible at runtime
  Scenario Outline: A boot-service-only <attrs> variable is not found after ExitBootServices
    Given the firmware is in the boot phase
    When I set the variable "HilBootOnly" of vendor "TestVendor" with attributes <attrs> to text "hidden"
    Then the status is EFI_SUCCESS
    When the OS calls ExitBootServices
    And I get the variable "HilBootOnly" of vendor "TestVendor"
    Then the status is EFI_NOT_FOUND

    Examples:
      | attrs  |
      | NV\|BS |
      | BS     |

  # ref 3.4.1 #12: the write path finds the hidden variable, and without RT it is write-protected at runtime
  Scenario Outline: Writing or deleting a boot-service-only <attrs> variable after ExitBootServices is EFI_WRITE_PROTECTED
    Given the firmware is in the boot phase
    When I set the variable "HilBootOnly" of vendor "TestVendor" with attributes <attrs> to text "hidden"
    Then the status is EFI_SUCCESS
    When the OS calls ExitBootServices
    And I set the variable "HilBootOnly" of vendor "TestVendor" with attributes <attrs> to text "changed"
    Then the status is EFI_WRITE_PROTECTED
    When I delete the variable "HilBootOnly" of vendor "TestVendor"
    Then the status is EFI_WRITE_PROTECTED

    Examples:
      | attrs  |
      | NV\|BS |
      | BS     |

  # ref 3.4.2, existing variable: at runtime a volatile variable is read-only, updates and deletes alike;
  # section 11 (observed through efivarfs: EROFS, data unchanged)
  Scenario: A volatile runtime variable cannot be written, appended or deleted after ExitBootServices
    Given the firmware is in the boot phase
    When I set the variable "HilRuntimeVolatile" of vendor "TestVendor" with attributes BS|RT to text "frozen"
    Then the status is EFI_SUCCESS
    When the OS calls ExitBootServices
    And I set the variable "HilRuntimeVolatile" of vendor "TestVendor" with attributes BS|RT to text "changed"
    Then the status is EFI_WRITE_PROTECTED
    When I append text "more" to the variable "HilRuntimeVolatile" of vendor "TestVendor" with attributes BS|RT
    Then the status is EFI_WRITE_PROTECTED
    When I delete the variable "HilRuntimeVolatile" of vendor "TestVendor"
    Then the status is EFI_WRITE_PROTECTED
    And the variable "HilRuntimeVolatile" of vendor "TestVendor" holds text "frozen"

  # ref 3.4.2, no existing variable: at runtime only NV+RT variables can be created; section 11 (observed)
  Scenario Outline: Creating a <attrs> variable after ExitBootServices is EFI_INVALID_PARAMETER
    Given the firmware is in the boot phase
    When the OS calls ExitBootServices
    And I set the variable "HilRuntimeCreate" of vendor "TestVendor" with attributes <attrs> to text "refused"
    Then the status is EFI_INVALID_PARAMETER
    And the variable "HilRuntimeCreate" of vendor "TestVendor" does not exist

    Examples:
      | attrs  |
      | BS\|RT |
      | NV\|BS |
      | BS     |

  # section 11 (observed through efivarfs)
  Scenario: A non-volatile runtime variable is created and rewritten after ExitBootServices
    Given the firmware is in the boot phase
    When the OS calls ExitBootServices
    And I set the variable "HilRuntimeCreate" of vendor "TestVendor" with attributes NV|BS|RT to text "created"
    Then the status is EFI_SUCCESS
    And the variable "HilRuntimeCreate" of vendor "TestVendor" holds text "created"
    When I set the variable "HilRuntimeCreate" of vendor "TestVendor" with attributes NV|BS|RT to text "rewritten"
    Then the status is EFI_SUCCESS
    When I get the variable "HilRuntimeCreate" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the data is text "rewritten"
    And the attributes are NV|BS|RT

  # section 11 (observed through efivarfs)
  Scenario: A non-volatile runtime variable is appended to after ExitBootServices
    Given the firmware is in the boot phase
    When I set the variable "HilRuntimeAppend" of vendor "TestVendor" with attributes NV|BS|RT to hex "01 02 03 04"
    Then the status is EFI_SUCCESS
    When the OS calls ExitBootServices
    And I append hex "05 06" to the variable "HilRuntimeAppend" of vendor "TestVendor" with attributes NV|BS|RT
    Then the status is EFI_SUCCESS
    And the variable "HilRuntimeAppend" of vendor "TestVendor" holds hex "01 02 03 04 05 06"

  Scenario: A non-volatile runtime variable is deleted after ExitBootServices
    Given the firmware is in the boot phase
    When I set the variable "HilRuntimeDelete" of vendor "TestVendor" with attributes NV|BS|RT to text "doomed"
    Then the status is EFI_SUCCESS
    When the OS calls ExitBootServices
    And I delete the variable "HilRuntimeDelete" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the variable "HilRuntimeDelete" of vendor "TestVendor" does not exist

  # ref 3.5 #4: the walk skips variables without RT at runtime
  Scenario: The walk after ExitBootServices lists runtime variables only
    Given the firmware is in the boot phase
    When I set the variable "HilWalkNvRt" of vendor "TestVendor" with attributes NV|BS|RT to text "1"
    And I set the variable "HilWalkRt" of vendor "TestVendor" with attributes BS|RT to text "2"
    And I set the variable "HilWalkNv" of vendor "TestVendor" with attributes NV|BS to text "3"
    And I set the variable "HilWalkBs" of vendor "TestVendor" with attributes BS to text "4"
    Then the status is EFI_SUCCESS
    When the OS calls ExitBootServices
    And I list all variables
    Then the list contains the variable "HilWalkNvRt" of vendor "TestVendor"
    And the list contains the variable "HilWalkRt" of vendor "TestVendor"
    And the list does not contain the variable "HilWalkNv" of vendor "TestVendor"
    And the list does not contain the variable "HilWalkBs" of vendor "TestVendor"
    And the list has no duplicates
    And the list ended with EFI_NOT_FOUND

  # ref 3.5 #3: at runtime the name of a boot-service-only variable is not an existing variable
  Scenario: Asking for the name after a boot-service-only variable after ExitBootServices is EFI_INVALID_PARAMETER
    Given the firmware is in the boot phase
    When I set the variable "HilBootOnly" of vendor "TestVendor" with attributes NV|BS to text "hidden"
    Then the status is EFI_SUCCESS
    When the OS calls ExitBootServices
    And I ask for the variable name after "HilBootOnly" of vendor "TestVendor"
    Then the status is EFI_INVALID_PARAMETER

  # ref 3.6 #6: at runtime QueryVariableInfo needs RT
  Scenario Outline: Querying storage for <attrs> after ExitBootServices is <status>
    Given the firmware is in the boot phase
    When the OS calls ExitBootServices
    And I query variable storage for attributes <attrs>
    Then the status is <status>

    Examples:
      | attrs      | status                |
      | NV\|BS\|RT | EFI_SUCCESS           |
      | BS\|RT     | EFI_SUCCESS           |
      | NV\|BS     | EFI_INVALID_PARAMETER |
      | BS         | EFI_INVALID_PARAMETER |

  # ref 3.6: at runtime the remaining space also counts deleted records, but never exceeds the maximum
  Scenario: Storage sizes after ExitBootServices are consistent after writes and deletes
    Given the firmware is in the boot phase
    When the OS calls ExitBootServices
    And I set the variable "HilRuntimeSpace" of vendor "TestVendor" with attributes NV|BS|RT to 2000 bytes of 0x44
    And I delete the variable "HilRuntimeSpace" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    When I query variable storage for attributes NV|BS|RT
    Then the status is EFI_SUCCESS
    And the remaining storage is at most the maximum storage
    And the maximum variable size is at most the maximum storage

  # ref 5.3: SetVirtualAddressMap converts the runtime driver's pointers; the services keep working
  Scenario: After SetVirtualAddressMap the variable services keep working
    Given the firmware is in the boot phase
    When I set the variable "HilVirtual" of vendor "TestVendor" with attributes NV|BS|RT to text "physical"
    Then the status is EFI_SUCCESS
    When the OS calls ExitBootServices
    And the OS calls SetVirtualAddressMap
    And I get the variable "HilVirtual" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the data is text "physical"
    When I set the variable "HilVirtual" of vendor "TestVendor" with attributes NV|BS|RT to text "virtual"
    Then the status is EFI_SUCCESS
    And the variable "HilVirtual" of vendor "TestVendor" holds text "virtual"
    When I query variable storage for attributes NV|BS|RT
    Then the status is EFI_SUCCESS
    And the remaining storage is at most the maximum storage
    When I list all variables
    Then the list contains the variable "HilVirtual" of vendor "TestVendor"
    And the list has no duplicates
    And the list ended with EFI_NOT_FOUND

  Scenario: With the OS running a non-volatile runtime variable is created, read and deleted
    Given the firmware is in the boot phase
    And the OS is running
    When I set the variable "HilFromOs" of vendor "TestVendor" with attributes NV|BS|RT to 32 sequential bytes
    Then the status is EFI_SUCCESS
    When I get the variable "HilFromOs" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the data is 32 sequential bytes
    And the data size is 32
    When I delete the variable "HilFromOs" of vendor "TestVendor"
    Then the status is EFI_SUCCESS
    And the variable "HilFromOs" of vendor "TestVendor" does not exist

  # ref 3.3 #3 and 3.4.1 #12
  Scenario: With the OS running a boot-service-only variable is hidden and write-protected
    Given the firmware is in the boot phase
    When I set the variable "HilBootOnly" of vendor "TestVendor" with attributes NV|BS to text "hidden"
    Then the status is EFI_SUCCESS
    Given the OS is running
    When I get the variable "HilBootOnly" of vendor "TestVendor"
    Then the status is EFI_NOT_FOUND
    When I set the variable "HilBootOnly" of vendor "TestVendor" with attributes NV|BS to text "changed"
    Then the status is EFI_WRITE_PROTECTED

  # ref 3.4.1 #8: the size limit is the same at runtime
  Scenario: With the OS running the size limit of a non-volatile variable is unchanged
    Given the firmware is in the boot phase
    And the OS is running
    When I set the variable "HilMaxSize" of vendor "TestVendor" with attributes NV|BS|RT to 33711 bytes of 0xA5
    Then the status is EFI_INVALID_PARAMETER
    When I set the variable "HilMaxSize" of vendor "TestVendor" with attributes NV|BS|RT to 33710 bytes of 0xA5
    Then the status is EFI_SUCCESS
    And the variable "HilMaxSize" of vendor "TestVendor" holds 33710 bytes of 0xA5
