@requires:os-phase
Feature: Runtime drivers convert their pointers at SetVirtualAddressMap
  A runtime driver keeps pointers in its global variables. Its VirtualAddressChange
  notify function must convert every one of them with ConvertPointer; after the OS
  switches to virtual mode, a pointer that still holds a physical address, or one
  into boot-services memory (which the OS owns after ExitBootServices), is a fault.
  The target detects such faults and names the pointer.

  # ref 6.4 steps 5-7, 6.5
  Scenario: A driver that converts every pointer works after SetVirtualAddressMap
    Given the firmware is in the boot phase
    And a runtime driver "VarDxe" that keeps pointers "mVariableBuffer, mSmmCommunication" in runtime memory and converts "mVariableBuffer, mSmmCommunication"
    When the OS calls ExitBootServices
    And the OS calls SetVirtualAddressMap
    Then the driver "VarDxe" got EFI_SUCCESS converting "mVariableBuffer"
    And the driver "VarDxe" got EFI_SUCCESS converting "mSmmCommunication"
    And the driver "VarDxe" works in virtual mode
    And no runtime fault is reported

  # ref 6.5: "Runtime components must convert every pointer they keep"
  Scenario: A driver that forgets a pointer is caught with the pointer's name
    Given the firmware is in the boot phase
    And a runtime driver "Forgetful" that keeps pointers "mVariableBuffer, mSmmCommunication" in runtime memory and converts "mVariableBuffer"
    When the OS calls ExitBootServices
    Then the driver "Forgetful" works
    When the OS calls SetVirtualAddressMap
    And the driver "Forgetful" uses its pointers
    Then the fault "mSmmCommunication was not converted" is reported for driver "Forgetful"

  # ref 6.3: boot-services memory is the OS's after ExitBootServices; 6.5: converting it is EFI_NOT_FOUND
  Scenario: A pointer into boot-services memory is caught when used at runtime
    Given the firmware is in the boot phase
    And a runtime driver "Leaky" that keeps pointers "mRuntimeBuffer" in runtime memory and "gBootBuffer" in boot-services memory and converts "mRuntimeBuffer, gBootBuffer"
    When the OS calls ExitBootServices
    And the OS calls SetVirtualAddressMap
    Then the driver "Leaky" got EFI_SUCCESS converting "mRuntimeBuffer"
    And the driver "Leaky" got EFI_NOT_FOUND converting "gBootBuffer"
    When the driver "Leaky" uses its pointers
    Then the fault "gBootBuffer points into boot-services memory freed at ExitBootServices" is reported for driver "Leaky"

  Scenario: A boot-services pointer is caught already before the switch to virtual mode
    Given the firmware is in the boot phase
    And a runtime driver "EarlyLeak" that keeps pointers "" in runtime memory and "gBootBuffer" in boot-services memory and converts ""
    Then the driver "EarlyLeak" works
    When the OS calls ExitBootServices
    And the driver "EarlyLeak" uses its pointers
    Then the fault "gBootBuffer points into boot-services memory freed at ExitBootServices" is reported for driver "EarlyLeak"

  # ref 6.5: *Address == NULL is SUCCESS only with EFI_OPTIONAL_PTR
  Scenario: A NULL pointer converts with EFI_OPTIONAL_PTR and is refused without it
    Given the firmware is in the boot phase
    And a runtime driver "Optional" that keeps the NULL pointer "mCache" and converts it with EFI_OPTIONAL_PTR
    And a runtime driver "Strict" that keeps the NULL pointer "mCache" and converts it without EFI_OPTIONAL_PTR
    When the OS calls ExitBootServices
    And the OS calls SetVirtualAddressMap
    Then the driver "Optional" got EFI_SUCCESS converting "mCache"
    And the driver "Strict" got EFI_INVALID_PARAMETER converting "mCache"
    And the driver "Strict" works in virtual mode

  # ref 6.5: no map is recorded outside SetVirtualAddressMap
  Scenario: ConvertPointer outside SetVirtualAddressMap finds nothing
    Given the firmware is in the boot phase
    And a runtime driver "Early" that keeps pointers "mBuffer" in runtime memory and converts "mBuffer"
    When the driver "Early" converts its pointer "mBuffer"
    Then ConvertPointer returns EFI_NOT_FOUND
    When the OS calls ExitBootServices
    And the OS calls SetVirtualAddressMap
    And the driver "Early" converts its pointer "mBuffer"
    Then ConvertPointer returns EFI_NOT_FOUND
    And the driver "Early" works in virtual mode
