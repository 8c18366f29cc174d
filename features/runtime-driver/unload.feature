Feature: Unloading a runtime driver
  A driver's Unload must close every event it created: after the image is freed, a
  notify function left behind would run code that is no longer there.

  Scenario: Unload closes the driver's events
    Given the firmware is in the boot phase
    And a runtime driver "Tidy" that keeps pointers "mBuffer" in runtime memory and converts "mBuffer"
    When the driver "Tidy" is unloaded
    Then the events of driver "Tidy" are closed

  @requires:os-phase
  Scenario: A driver unloaded with its events closed is not called at SetVirtualAddressMap
    Given the firmware is in the boot phase
    And a runtime driver "Tidy" that keeps pointers "mBuffer" in runtime memory and converts "mBuffer"
    When the driver "Tidy" is unloaded
    And the OS calls ExitBootServices
    And the OS calls SetVirtualAddressMap
    Then no runtime fault is reported

  @requires:os-phase
  Scenario: An Unload that leaves its events open is caught when the freed notify function is called
    Given the firmware is in the boot phase
    And a runtime driver "Sloppy" whose Unload leaves its events open
    When the driver "Sloppy" is unloaded
    And the OS calls ExitBootServices
    And the OS calls SetVirtualAddressMap
    Then the fault "the VirtualAddressChange notify function points into freed memory" is reported for driver "Sloppy"

  # ref 6.1: an event signalled after ExitBootServices needs its notify function in runtime memory
  @requires:os-phase
  Scenario: A boot-services driver listening for VirtualAddressChange is caught
    Given the firmware is in the boot phase
    And a boot-services driver "BsDriver" that notifies on the event group "VirtualAddressChange" at TPL_NOTIFY
    When the OS calls ExitBootServices
    And the OS calls SetVirtualAddressMap
    Then the fault "the VirtualAddressChange notify function points into boot-services memory freed at ExitBootServices" is reported for driver "BsDriver"
