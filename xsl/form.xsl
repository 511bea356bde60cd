<?xml version="1.0" encoding="UTF-8"?>
<!--
  One page of a service's form (page/@name = 'form'): introduction, fee,
  contact, error summary (status 422) and the page's fields with the
  entered values; every other answer travels along in hidden inputs, so
  that no server-side session is needed. Input ids are "f-<name>" (rows
  of a repeating group: "f-<name>.<row>"); hints "...-hint", messages
  "...-error".
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:include href="layout.xsl"/>
  <xsl:include href="answers.xsl"/>
  <xsl:include href="slots.xsl"/>

  <xsl:key name="value" match="values/value" use="@name"/>
  <xsl:key name="err" match="errors/error" use="@field"/>
  <xsl:key name="warn" match="warnings/warning" use="@field"/>
  <!-- Fields the citizen's account fills; locked="true": vouched for. -->
  <xsl:key name="prefill" match="page/prefill" use="@field"/>

  <xsl:variable name="S" select="/page/service"/>
  <!-- The page shown, and the pages asked (some depend on answers). -->
  <xsl:variable name="P" select="$S/page[@id = /page/submit/@page]"/>
  <xsl:variable name="asked" select="$S/page[@id = /page/asked/@page]"/>

  <!-- Each step its own title: "Schritt 2 von 3: Zur Bescheinigung –
       Meldebescheinigung beantragen" (without the page's title when it
       has none); a form of one page: the service's title alone. -->
  <xsl:template match="page" mode="title">
    <xsl:if test="$P and count($asked) &gt; 1">
      <xsl:call-template name="step-text"/>
      <xsl:choose>
        <xsl:when test="$P/title">
          <xsl:text>: </xsl:text>
          <xsl:call-template name="t">
            <xsl:with-param name="of" select="$P/title"/>
            <xsl:with-param name="inline" select="false()"/>
          </xsl:call-template>
          <xsl:text> – </xsl:text>
        </xsl:when>
        <xsl:otherwise><xsl:text>: </xsl:text></xsl:otherwise>
      </xsl:choose>
    </xsl:if>
    <xsl:call-template name="t">
      <xsl:with-param name="of" select="$S/title"/>
      <xsl:with-param name="inline" select="false()"/>
    </xsl:call-template>
  </xsl:template>

  <!-- "Schritt 2 von 3": where the shown page stands among those asked. -->
  <xsl:template name="step-text">
    <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.step'"/></xsl:call-template>
    <xsl:value-of select="concat(' ', count($asked[following-sibling::page[@id = $P/@id]]) + 1, ' ')"/>
    <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.of'"/></xsl:call-template>
    <xsl:value-of select="concat(' ', count($asked))"/>
  </xsl:template>

  <xsl:template match="page" mode="main">
    <xsl:call-template name="renewed"/>
    <xsl:if test="errors/error">
      <xsl:call-template name="error-summary"/>
    </xsl:if>
    <xsl:if test="warnings/warning and not(errors/error)">
      <xsl:call-template name="warning-summary"/>
    </xsl:if>
    <div class="with-aside">
      <div class="intro">
        <h1><xsl:call-template name="t"><xsl:with-param name="of" select="$S/title"/></xsl:call-template></h1>
        <xsl:if test="$S/summary">
          <p class="lead"><xsl:call-template name="t"><xsl:with-param name="of" select="$S/summary"/></xsl:call-template></p>
        </xsl:if>
        <xsl:call-template name="fee-line">
          <xsl:with-param name="fee" select="$S/fee"/>
        </xsl:call-template>
        <xsl:if test="$S/fee/legal">
          <p class="fee-legal">
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'fee.legal'"/></xsl:call-template>
            <xsl:text>: </xsl:text>
            <xsl:call-template name="t"><xsl:with-param name="of" select="$S/fee/legal"/></xsl:call-template>
          </p>
        </xsl:if>
        <xsl:if test="$S/fee/if or $S/fee/each or $S/fee/waive">
          <p class="fee-rules"><xsl:call-template name="msg"><xsl:with-param name="key" select="'fee.rules'"/></xsl:call-template></p>
        </xsl:if>
        <xsl:call-template name="service-facts"/>
      </div>
      <xsl:apply-templates select="$S/clerk" mode="contact"/>
      <div class="body">
        <xsl:choose>
          <xsl:when test="$P">
            <xsl:call-template name="form"/>
          </xsl:when>
          <xsl:otherwise>
            <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'form.no_form'"/></xsl:call-template></p>
          </xsl:otherwise>
        </xsl:choose>
        <xsl:call-template name="back-to-catalog"/>
      </div>
    </div>
  </xsl:template>

  <!-- Hints the citizen may confirm: sent again unchanged, they count. -->
  <xsl:template name="warning-summary">
    <div class="warning-summary" role="status" aria-labelledby="warning-summary-title">
      <h2 id="warning-summary-title">
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.warnings.heading'"/></xsl:call-template>
      </h2>
      <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'form.warnings.intro'"/></xsl:call-template></p>
      <ul>
        <xsl:for-each select="/page/warnings/warning">
          <xsl:variable name="field" select="$S//field[@name = substring-before(concat(current()/@field, '.'), '.')]"/>
          <li>
            <a href="#f-{@field}">
              <xsl:call-template name="row-prefix"><xsl:with-param name="k" select="@field"/></xsl:call-template>
              <xsl:call-template name="t"><xsl:with-param name="of" select="$field/label"/></xsl:call-template>
              <xsl:text>: </xsl:text>
              <xsl:call-template name="t"><xsl:with-param name="of" select="$field/warning"/></xsl:call-template>
            </a>
          </li>
        </xsl:for-each>
      </ul>
    </div>
  </xsl:template>

  <xsl:template name="error-summary">
    <!-- autofocus: without JavaScript, focus still lands on the summary. -->
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus="autofocus">
      <h2 id="error-summary-title">
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.errors.heading'"/></xsl:call-template>
      </h2>
      <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'form.errors.intro'"/></xsl:call-template></p>
      <ul>
        <!-- In the order of the fields (the server sends them so). -->
        <xsl:for-each select="/page/errors/error">
          <xsl:variable name="field" select="$S//field[@name = substring-before(concat(current()/@field, '.'), '.')]"/>
          <li>
            <a href="#f-{@field}">
              <xsl:call-template name="row-prefix"><xsl:with-param name="k" select="@field"/></xsl:call-template>
              <xsl:if test="not(@code = 'required' and ($field/@type = 'radio' or $field/@type = 'select' or $field/@type = 'multiselect'))">
                <!-- (a choice's message names its label itself) -->
                <xsl:call-template name="summary-label"><xsl:with-param name="field" select="$field"/></xsl:call-template>
              </xsl:if>
              <xsl:apply-templates select="." mode="text">
                <xsl:with-param name="field" select="$field"/>
              </xsl:apply-templates>
            </a>
          </li>
        </xsl:for-each>
      </ul>
    </div>
  </xsl:template>

  <!-- The label as the end of a sentence: "Rechtsform des Betriebes.",
       "Welche Bescheinigung brauchen Sie?" (a final ':' becomes '.'). -->
  <xsl:template name="label-sentence">
    <xsl:param name="field"/>
    <xsl:variable name="label">
      <xsl:call-template name="t">
        <xsl:with-param name="of" select="$field/label"/>
        <xsl:with-param name="inline" select="false()"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="l" select="normalize-space($label)"/>
    <xsl:variable name="last" select="substring($l, string-length($l))"/>
    <xsl:choose>
      <xsl:when test="$last = '?' or $last = '!' or $last = '.'">
        <xsl:value-of select="$l"/>
      </xsl:when>
      <xsl:when test="$last = ':'">
        <xsl:value-of select="concat(substring($l, 1, string-length($l) - 1), '.')"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="concat($l, '.')"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "Label: " for the error summary, without doubling the label's own final punctuation. -->
  <xsl:template name="summary-label">
    <xsl:param name="field"/>
    <xsl:variable name="label">
      <xsl:call-template name="t">
        <xsl:with-param name="of" select="$field/label"/>
        <xsl:with-param name="inline" select="false()"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="l" select="normalize-space($label)"/>
    <xsl:variable name="last" select="substring($l, string-length($l))"/>
    <xsl:choose>
      <xsl:when test="$last = '.' or $last = ':'">
        <xsl:value-of select="substring($l, 1, string-length($l) - 1)"/>
        <xsl:text>: </xsl:text>
      </xsl:when>
      <xsl:when test="$last = '?' or $last = '!'">
        <xsl:value-of select="$l"/>
        <xsl:text> – </xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$l"/>
        <xsl:text>: </xsl:text>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The message for one error: the field's own <invalid> text for format errors, else error.<code>. -->
  <xsl:template match="error" mode="text">
    <xsl:param name="field" select="/.."/>
    <xsl:choose>
      <xsl:when test="(@code = 'pattern' or @code = 'email' or @code = 'tel') and $field/invalid">
        <xsl:call-template name="t"><xsl:with-param name="of" select="$field/invalid"/></xsl:call-template>
      </xsl:when>
      <!-- A choice left empty: say which one ("Bitte wählen Sie aus:
           Rechtsform des Betriebes."), not "fill in this field". -->
      <xsl:when test="@code = 'required' and ($field/@type = 'radio' or $field/@type = 'select' or $field/@type = 'multiselect')">
        <xsl:call-template name="msg">
          <xsl:with-param name="key" select="'error.choose'"/>
          <xsl:with-param name="arg">
            <xsl:call-template name="label-sentence"><xsl:with-param name="field" select="$field"/></xsl:call-template>
          </xsl:with-param>
          <xsl:with-param name="format" select="false()"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="msg">
          <xsl:with-param name="key" select="concat('error.', @code)"/>
          <xsl:with-param name="arg" select="@arg"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="form">
    <form method="post" action="{$script}/services/{$S/@id}{$lq}" novalidate="novalidate">
      <xsl:if test="$P//field[@type = 'file']">
        <xsl:attribute name="enctype">multipart/form-data</xsl:attribute>
      </xsl:if>
      <xsl:call-template name="carry">
        <xsl:with-param name="except" select="$P//field/@name"/>
      </xsl:call-template>
      <input type="hidden" name="_page" value="{$P/@id}"/>
      <xsl:if test="$P/group[@max] or $P//field[@type = 'slot']">
        <!-- Enter in a field presses the form's first button: let that be
             "continue", not the first row's "remove". -->
        <button type="submit" class="visually-hidden" tabindex="-1" aria-hidden="true">
          <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.next'"/></xsl:call-template>
        </button>
      </xsl:if>
      <xsl:if test="count($asked) &gt; 1">
        <p class="step"><xsl:call-template name="step-text"/></p>
      </xsl:if>
      <xsl:if test="$P//field[@required = 'true']">
        <p class="required-note">
          <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.required_note'"/></xsl:call-template>
        </p>
      </xsl:if>
      <xsl:apply-templates select="$P"/>
      <div class="actions">
        <!-- First in the document: the one Enter presses. -->
        <button type="submit" class="button">
          <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.next'"/></xsl:call-template>
        </button>
        <xsl:if test="$asked[following-sibling::page[@id = $P/@id]]">
          <xsl:text> </xsl:text>
          <button type="submit" class="button secondary" name="_back" value="1">
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.back'"/></xsl:call-template>
          </button>
        </xsl:if>
      </div>
    </form>
  </xsl:template>

  <xsl:template match="service/page">
    <fieldset class="page" id="page-{@id}">
      <legend>
        <xsl:choose>
          <xsl:when test="title">
            <xsl:call-template name="t"><xsl:with-param name="of" select="title"/></xsl:call-template>
          </xsl:when>
          <xsl:otherwise>
            <xsl:call-template name="t"><xsl:with-param name="of" select="$S/title"/></xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
      </legend>
      <xsl:apply-templates select="field | note | group"/>
    </fieldset>
  </xsl:template>

  <!-- Questions that belong together. -->
  <xsl:template match="group">
    <xsl:choose>
      <xsl:when test="@max">
        <xsl:variable name="n" select="number(/page/rows[@group = current()/@name]/@count)"/>
        <xsl:variable name="removed" select="/page/rows[@group = current()/@name]/@removed"/>
        <div class="group-rows" id="g-{@name}">
          <!-- A row was just removed: the focus (and so the screen reader)
               lands on what happened, at the rows; no JavaScript. -->
          <xsl:if test="$removed and not(/page/errors/error)">
            <xsl:variable name="which">
              <xsl:call-template name="t"><xsl:with-param name="of" select="title"/></xsl:call-template>
              <xsl:value-of select="concat(' ', $removed)"/>
            </xsl:variable>
            <p class="row-notice" id="g-{@name}-notice" tabindex="-1" autofocus="autofocus">
              <xsl:choose>
                <xsl:when test="number($removed) &lt;= $n">
                  <xsl:call-template name="msg">
                    <xsl:with-param name="key" select="'form.row_removed_moved'"/>
                    <xsl:with-param name="format" select="false()"/>
                    <xsl:with-param name="arg" select="string($which)"/>
                  </xsl:call-template>
                </xsl:when>
                <xsl:otherwise>
                  <xsl:call-template name="msg">
                    <xsl:with-param name="key" select="'form.row_removed'"/>
                    <xsl:with-param name="format" select="false()"/>
                    <xsl:with-param name="arg" select="string($which)"/>
                  </xsl:call-template>
                </xsl:otherwise>
              </xsl:choose>
            </p>
          </xsl:if>
          <xsl:call-template name="group-row">
            <xsl:with-param name="row" select="1"/>
            <xsl:with-param name="count" select="$n"/>
          </xsl:call-template>
          <xsl:if test="$n &lt; number(@max)">
            <!-- Back at the rows, not at the top of the page: the new row
                 has autofocus (a URL fragment would switch that off). -->
            <button type="submit" class="button secondary" name="_add" value="{@name}">
              <xsl:choose>
                <xsl:when test="add"><xsl:call-template name="t"><xsl:with-param name="of" select="add"/></xsl:call-template></xsl:when>
                <xsl:otherwise><xsl:call-template name="msg"><xsl:with-param name="key" select="'form.add_row'"/></xsl:call-template></xsl:otherwise>
              </xsl:choose>
            </button>
          </xsl:if>
        </div>
      </xsl:when>
      <xsl:otherwise>
        <fieldset class="group" id="g-{@name}">
          <legend><xsl:call-template name="t"><xsl:with-param name="of" select="title"/></xsl:call-template></legend>
          <xsl:call-template name="group-head"/>
          <xsl:apply-templates select="field | note"/>
        </fieldset>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="group-head">
    <xsl:if test="@when">
      <p class="hint condition">
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.only_if'"/></xsl:call-template>
        <xsl:text> </xsl:text>
        <xsl:call-template name="condition-text"><xsl:with-param name="rest" select="normalize-space(@when)"/></xsl:call-template>
      </p>
    </xsl:if>
    <xsl:if test="hint">
      <p class="hint"><xsl:call-template name="t"><xsl:with-param name="of" select="hint"/></xsl:call-template></p>
    </xsl:if>
  </xsl:template>

  <!-- Rows row..count of a repeating group, each a fieldset of its own. -->
  <xsl:template name="group-row">
    <xsl:param name="row"/>
    <xsl:param name="count"/>
    <xsl:if test="$row &lt;= $count">
      <fieldset class="group group-row" id="g-{@name}.{$row}">
        <!-- The row just added takes the focus: its legend is read out,
             and Tab goes on to its first question. -->
        <xsl:if test="number(/page/rows[@group = current()/@name]/@added) = $row
                      and not(/page/errors/error)">
          <xsl:attribute name="tabindex">-1</xsl:attribute>
          <xsl:attribute name="autofocus">autofocus</xsl:attribute>
        </xsl:if>
        <legend>
          <xsl:call-template name="t"><xsl:with-param name="of" select="title"/></xsl:call-template>
          <xsl:value-of select="concat(' ', $row)"/>
        </legend>
        <xsl:if test="$row = 1"><xsl:call-template name="group-head"/></xsl:if>
        <xsl:for-each select="field | note">
          <xsl:apply-templates select=".">
            <xsl:with-param name="row" select="$row"/>
          </xsl:apply-templates>
        </xsl:for-each>
        <xsl:variable name="min">
          <xsl:choose>
            <xsl:when test="@min"><xsl:value-of select="@min"/></xsl:when>
            <xsl:otherwise>1</xsl:otherwise>
          </xsl:choose>
        </xsl:variable>
        <xsl:if test="$count &gt; number($min)">
          <button type="submit" class="button secondary remove" name="_remove" value="{@name}.{$row}">
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.remove_row'"/></xsl:call-template>
            <span class="visually-hidden">
              <xsl:text>: </xsl:text>
              <xsl:call-template name="t"><xsl:with-param name="of" select="title"/></xsl:call-template>
              <xsl:value-of select="concat(' ', $row)"/>
            </span>
          </button>
        </xsl:if>
      </fieldset>
      <xsl:call-template name="group-row">
        <xsl:with-param name="row" select="$row + 1"/>
        <xsl:with-param name="count" select="$count"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- One field: label, hint, messages, control. -->
  <xsl:template match="field">
    <xsl:param name="row" select="''"/>
    <!-- The answer's name: the field's, or name.row in a repeating group. -->
    <xsl:variable name="k">
      <xsl:value-of select="@name"/>
      <xsl:if test="string($row)"><xsl:value-of select="concat('.', $row)"/></xsl:if>
    </xsl:variable>
    <xsl:variable name="id" select="concat('f-', $k)"/>
    <xsl:variable name="errs" select="key('err', $k)"/>
    <xsl:variable name="desc">
      <xsl:if test="@when"><xsl:value-of select="concat($id, '-when ')"/></xsl:if>
      <xsl:if test="@type = 'money'"><xsl:value-of select="concat($id, '-unit ')"/></xsl:if>
      <xsl:if test="hint"><xsl:value-of select="concat($id, '-hint')"/></xsl:if>
      <xsl:if test="hint and $errs"><xsl:text> </xsl:text></xsl:if>
      <xsl:if test="$errs"><xsl:value-of select="concat($id, '-error')"/></xsl:if>
      <xsl:if test="key('warn', $k)"><xsl:value-of select="concat(' ', $id, '-warning')"/></xsl:if>
      <xsl:if test="key('prefill', $k)[@locked = 'true' or string(.) = string(key('value', $k)[1])]">
        <xsl:value-of select="concat(' ', $id, '-prefill')"/>
      </xsl:if>
    </xsl:variable>
    <xsl:variable name="class">
      <xsl:text>field field-</xsl:text>
      <xsl:value-of select="@type"/>
      <xsl:if test="$errs"> field-invalid</xsl:if>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test="@type = 'checkbox'">
        <fieldset class="{$class}">
          <legend><xsl:call-template name="label-text"/></legend>
          <xsl:call-template name="hint-and-errors">
            <xsl:with-param name="id" select="$id"/>
            <xsl:with-param name="errs" select="$errs"/>
            <xsl:with-param name="k" select="$k"/>
          </xsl:call-template>
          <div class="check">
            <input type="checkbox" value="yes">
              <xsl:call-template name="control-attrs">
                <xsl:with-param name="id" select="$id"/>
                <xsl:with-param name="desc" select="$desc"/>
                <xsl:with-param name="errs" select="$errs"/>
                <xsl:with-param name="k" select="$k"/>
              </xsl:call-template>
              <xsl:if test="string(key('value', $k)[1]) = 'yes'">
                <xsl:attribute name="checked">checked</xsl:attribute>
              </xsl:if>
            </input>
            <label for="{$id}"><xsl:call-template name="msg"><xsl:with-param name="key" select="'form.yes'"/></xsl:call-template></label>
          </div>
        </fieldset>
      </xsl:when>
      <xsl:when test="@type = 'multiselect'">
        <!-- Tick boxes sharing the field's name; the answer keeps one value per line. -->
        <xsl:variable name="field" select="."/>
        <xsl:variable name="vals" select="concat('&#10;', string(key('value', $k)[1]), '&#10;')"/>
        <fieldset class="{$class}">
          <legend><xsl:call-template name="label-text"/></legend>
          <xsl:call-template name="hint-and-errors">
            <xsl:with-param name="id" select="$id"/>
            <xsl:with-param name="errs" select="$errs"/>
            <xsl:with-param name="k" select="$k"/>
          </xsl:call-template>
          <xsl:for-each select="option">
            <xsl:variable name="oid">
              <xsl:value-of select="$id"/>
              <xsl:if test="position() &gt; 1"><xsl:value-of select="concat('-', position())"/></xsl:if>
            </xsl:variable>
            <div class="check">
              <!-- No "required" on the boxes: it would demand every one. -->
              <input type="checkbox" value="{@value}" id="{$oid}" name="{$k}">
                <xsl:if test="$errs"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
                <xsl:if test="string($desc)"><xsl:attribute name="aria-describedby"><xsl:value-of select="$desc"/></xsl:attribute></xsl:if>
                <xsl:if test="contains($vals, concat('&#10;', @value, '&#10;'))">
                  <xsl:attribute name="checked">checked</xsl:attribute>
                </xsl:if>
              </input>
              <label for="{$oid}"><xsl:call-template name="t"><xsl:with-param name="of" select="label"/></xsl:call-template></label>
            </div>
          </xsl:for-each>
        </fieldset>
      </xsl:when>
      <xsl:when test="@type = 'slot'">
        <xsl:call-template name="slot-field">
          <xsl:with-param name="k" select="$k"/>
          <xsl:with-param name="id" select="$id"/>
          <xsl:with-param name="desc" select="$desc"/>
          <xsl:with-param name="errs" select="$errs"/>
          <xsl:with-param name="class" select="$class"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="@type = 'radio'">
        <!-- The first radio carries the field's id: the error summary links to it. -->
        <xsl:variable name="field" select="."/>
        <xsl:variable name="val" select="string(key('value', $k)[1])"/>
        <fieldset class="{$class}">
          <legend><xsl:call-template name="label-text"/></legend>
          <xsl:call-template name="hint-and-errors">
            <xsl:with-param name="id" select="$id"/>
            <xsl:with-param name="errs" select="$errs"/>
            <xsl:with-param name="k" select="$k"/>
          </xsl:call-template>
          <xsl:for-each select="option">
            <xsl:variable name="oid">
              <xsl:value-of select="$id"/>
              <xsl:if test="position() &gt; 1"><xsl:value-of select="concat('-', position())"/></xsl:if>
            </xsl:variable>
            <div class="check">
              <input type="radio" value="{@value}">
                <xsl:for-each select="$field">
                  <xsl:call-template name="control-attrs">
                    <xsl:with-param name="id" select="$oid"/>
                    <xsl:with-param name="desc" select="$desc"/>
                    <xsl:with-param name="errs" select="$errs"/>
                    <xsl:with-param name="k" select="$k"/>
                  </xsl:call-template>
                </xsl:for-each>
                <xsl:if test="@value = $val"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
              </input>
              <label for="{$oid}"><xsl:call-template name="t"><xsl:with-param name="of" select="label"/></xsl:call-template></label>
            </div>
          </xsl:for-each>
        </fieldset>
      </xsl:when>
      <xsl:otherwise>
        <div class="{$class}">
          <label for="{$id}"><xsl:call-template name="label-text"/></label>
          <xsl:call-template name="hint-and-errors">
            <xsl:with-param name="id" select="$id"/>
            <xsl:with-param name="errs" select="$errs"/>
            <xsl:with-param name="k" select="$k"/>
          </xsl:call-template>
          <xsl:apply-templates select="." mode="control">
            <xsl:with-param name="id" select="$id"/>
            <xsl:with-param name="desc" select="$desc"/>
            <xsl:with-param name="errs" select="$errs"/>
            <xsl:with-param name="k" select="$k"/>
          </xsl:apply-templates>
        </div>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!--
    An appointment (type="slot"): the free times of one week of the
    calendar (/page/slots, made by page_slot.c), a group of radios per
    day, full and closed days said as such; buttons page to the week
    before and after (_week, the same page again). The first radio
    carries the field's id for the error summary.
  -->
  <xsl:template name="slot-field">
    <xsl:param name="k"/>
    <xsl:param name="id"/>
    <xsl:param name="desc"/>
    <xsl:param name="errs"/>
    <xsl:param name="class"/>
    <fieldset class="{$class}">
      <legend><xsl:call-template name="label-text"/></legend>
      <xsl:call-template name="hint-and-errors">
        <xsl:with-param name="id" select="$id"/>
        <xsl:with-param name="errs" select="$errs"/>
        <xsl:with-param name="k" select="$k"/>
      </xsl:call-template>
      <xsl:call-template name="slot-choice">
        <xsl:with-param name="k" select="$k"/>
        <xsl:with-param name="id" select="$id"/>
        <xsl:with-param name="desc" select="normalize-space($desc)"/>
        <xsl:with-param name="invalid" select="boolean($errs)"/>
        <xsl:with-param name="required" select="@required = 'true'"/>
        <xsl:with-param name="val" select="string(key('value', $k)[1])"/>
      </xsl:call-template>
    </fieldset>
  </xsl:template>

  <!--
    Read-only text between the questions. Notes stand in language groups:
    one shows in the page language, or in German when its group has none.
  -->
  <xsl:template match="note">
    <xsl:variable name="prev" select="preceding-sibling::*[1][self::note][@xml:lang = $lang]"/>
    <xsl:variable name="next" select="following-sibling::*[1][self::note][@xml:lang = $lang]"/>
    <xsl:if test="@xml:lang = $lang or (@xml:lang = 'de' and not($prev) and not($next))">
      <p class="note">
        <xsl:if test="@xml:lang != $lang"><xsl:attribute name="lang"><xsl:value-of select="@xml:lang"/></xsl:attribute></xsl:if>
        <xsl:value-of select="."/>
      </p>
    </xsl:if>
  </xsl:template>

  <!-- "purpose=rente purpose=sozial" as „Zweck“: „Rente“ oder „Sozialleistung“
       (the question once for its answers in a row; quotation marks as
       the language writes them). -->
  <xsl:template name="condition-text">
    <xsl:param name="rest"/>
    <xsl:param name="previous" select="''"/>
    <xsl:variable name="term">
      <xsl:choose>
        <xsl:when test="contains($rest, ' ')"><xsl:value-of select="substring-before($rest, ' ')"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$rest"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="name" select="substring-before($term, '=')"/>
    <xsl:variable name="dep" select="$S//field[@name = $name]"/>
    <xsl:variable name="value" select="substring-after($term, '=')"/>
    <xsl:if test="$name != $previous">
      <xsl:call-template name="msg"><xsl:with-param name="key" select="'quote.open'"/></xsl:call-template>
      <xsl:call-template name="t"><xsl:with-param name="of" select="$dep/label"/></xsl:call-template>
      <xsl:call-template name="msg"><xsl:with-param name="key" select="'quote.close'"/></xsl:call-template>
      <xsl:text>: </xsl:text>
    </xsl:if>
    <xsl:call-template name="msg"><xsl:with-param name="key" select="'quote.open'"/></xsl:call-template>
    <xsl:choose>
      <xsl:when test="$dep/option[@value = $value]">
        <xsl:call-template name="t"><xsl:with-param name="of" select="$dep/option[@value = $value]/label"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:call-template name="msg"><xsl:with-param name="key" select="'form.yes'"/></xsl:call-template></xsl:otherwise>
    </xsl:choose>
    <xsl:call-template name="msg"><xsl:with-param name="key" select="'quote.close'"/></xsl:call-template>
    <xsl:if test="contains($rest, ' ')">
      <xsl:text> </xsl:text>
      <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.or'"/></xsl:call-template>
      <xsl:text> </xsl:text>
      <xsl:call-template name="condition-text">
        <xsl:with-param name="rest" select="substring-after($rest, ' ')"/>
        <xsl:with-param name="previous" select="$name"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="label-text">
    <xsl:call-template name="t"><xsl:with-param name="of" select="label"/></xsl:call-template>
    <xsl:if test="@required = 'true'">
      <xsl:text> </xsl:text>
      <span class="required">
        <xsl:text>(</xsl:text>
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.required'"/></xsl:call-template>
        <xsl:text>)</xsl:text>
      </span>
    </xsl:if>
  </xsl:template>

  <xsl:template name="hint-and-errors">
    <xsl:param name="id"/>
    <xsl:param name="errs"/>
    <xsl:param name="k"/>
    <xsl:if test="@when">
      <!-- Without JavaScript every question is on the page: say when this one counts. -->
      <p class="hint condition" id="{$id}-when">
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.only_if'"/></xsl:call-template>
        <xsl:text> </xsl:text>
        <xsl:call-template name="condition-text"><xsl:with-param name="rest" select="normalize-space(@when)"/></xsl:call-template>
      </p>
    </xsl:if>
    <xsl:if test="hint">
      <p class="hint" id="{$id}-hint"><xsl:call-template name="t"><xsl:with-param name="of" select="hint"/></xsl:call-template></p>
    </xsl:if>
    <!-- Where a value comes from: the account (locked), or the account
         and still the citizen's to check (while it is unchanged). -->
    <xsl:variable name="pf" select="key('prefill', $k)"/>
    <xsl:choose>
      <xsl:when test="$pf/@locked = 'true'">
        <p class="hint prefill prefill-locked" id="{$id}-prefill">
          <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.prefill.locked'"/></xsl:call-template>
        </p>
      </xsl:when>
      <xsl:when test="$pf and string($pf) = string(key('value', $k)[1])">
        <p class="hint prefill" id="{$id}-prefill">
          <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.prefill.check'"/></xsl:call-template>
        </p>
      </xsl:when>
    </xsl:choose>
    <xsl:if test="key('warn', $k)">
      <p class="warning-message" id="{$id}-warning">
        <span class="visually-hidden">
          <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.warning_prefix'"/></xsl:call-template>
          <xsl:text>: </xsl:text>
        </span>
        <xsl:call-template name="t"><xsl:with-param name="of" select="warning"/></xsl:call-template>
      </p>
    </xsl:if>
    <xsl:if test="$errs">
      <p class="error-message" id="{$id}-error">
        <xsl:variable name="field" select="."/>
        <xsl:for-each select="$errs">
          <xsl:if test="position() &gt; 1"><br/></xsl:if>
          <span class="visually-hidden">
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.error_prefix'"/></xsl:call-template>
            <xsl:text>: </xsl:text>
          </span>
          <xsl:apply-templates select="." mode="text">
            <xsl:with-param name="field" select="$field"/>
          </xsl:apply-templates>
        </xsl:for-each>
      </p>
    </xsl:if>
  </xsl:template>

  <!-- id, name, required, aria-* shared by every control. -->
  <xsl:template name="control-attrs">
    <xsl:param name="id"/>
    <xsl:param name="desc"/>
    <xsl:param name="errs"/>
    <xsl:param name="k"/>
    <xsl:attribute name="id"><xsl:value-of select="$id"/></xsl:attribute>
    <xsl:attribute name="name"><xsl:value-of select="$k"/></xsl:attribute>
    <!-- Read-only, not disabled: it is sent along (the server keeps the
         account's value anyway). -->
    <xsl:if test="key('prefill', $k)/@locked = 'true'">
      <xsl:attribute name="readonly">readonly</xsl:attribute>
    </xsl:if>
    <xsl:if test="@required = 'true'">
      <xsl:attribute name="required">required</xsl:attribute>
      <xsl:attribute name="aria-required">true</xsl:attribute>
    </xsl:if>
    <xsl:if test="$errs">
      <xsl:attribute name="aria-invalid">true</xsl:attribute>
    </xsl:if>
    <xsl:if test="normalize-space($desc)">
      <xsl:attribute name="aria-describedby"><xsl:value-of select="normalize-space($desc)"/></xsl:attribute>
    </xsl:if>
  </xsl:template>

  <!-- minlength/maxlength for text-like controls. -->
  <xsl:template name="length-attrs">
    <xsl:if test="string(number(@minlength)) != 'NaN'">
      <xsl:attribute name="minlength"><xsl:value-of select="@minlength"/></xsl:attribute>
    </xsl:if>
    <xsl:if test="string(number(@maxlength)) != 'NaN'">
      <xsl:attribute name="maxlength"><xsl:value-of select="@maxlength"/></xsl:attribute>
    </xsl:if>
  </xsl:template>

  <!-- min/max copied only when plain: YYYY-MM-DD (date), HH:MM (time), a number (number). -->
  <xsl:template name="bound-attrs">
    <xsl:param name="shape"/>
    <xsl:for-each select="@min | @max">
      <xsl:variable name="plain">
        <xsl:choose>
          <xsl:when test="$shape = 'number'"><xsl:value-of select="string(number(.)) != 'NaN'"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="translate(., '0123456789', 'dddddddddd') = $shape"/></xsl:otherwise>
        </xsl:choose>
      </xsl:variable>
      <xsl:if test="$plain = 'true'">
        <xsl:attribute name="{name()}"><xsl:value-of select="."/></xsl:attribute>
      </xsl:if>
    </xsl:for-each>
  </xsl:template>

  <!-- The field's declared autofill purpose (WCAG 1.3.5), as written:
       the linter has checked the tokens and that they fit the type. -->
  <xsl:template name="autocomplete-attr">
    <xsl:if test="string(@autocomplete)">
      <xsl:attribute name="autocomplete"><xsl:value-of select="@autocomplete"/></xsl:attribute>
    </xsl:if>
  </xsl:template>

  <xsl:template match="field" mode="control">
    <xsl:param name="id"/>
    <xsl:param name="desc"/>
    <xsl:param name="errs"/>
    <xsl:param name="k"/>
    <xsl:variable name="val" select="string(key('value', $k)[1])"/>
    <xsl:choose>
      <xsl:when test="@type = 'textarea'">
        <textarea rows="5">
          <xsl:call-template name="control-attrs">
            <xsl:with-param name="id" select="$id"/>
            <xsl:with-param name="desc" select="$desc"/>
            <xsl:with-param name="errs" select="$errs"/>
            <xsl:with-param name="k" select="$k"/>
          </xsl:call-template>
          <xsl:call-template name="length-attrs"/>
          <xsl:call-template name="autocomplete-attr"/>
          <!-- HTML drops one newline right after <textarea>: this one, not the citizen's. -->
          <xsl:text>&#10;</xsl:text>
          <xsl:value-of select="$val"/>
        </textarea>
      </xsl:when>
      <xsl:when test="@type = 'file'">
        <!-- A browser never sends a file twice: say which one is kept. -->
        <xsl:if test="$val != ''">
          <p class="file-kept" id="{$id}-kept">
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.file.kept'"/></xsl:call-template>
            <xsl:text> </xsl:text>
            <xsl:call-template name="file-text"><xsl:with-param name="v" select="$val"/></xsl:call-template>
            <xsl:text>. </xsl:text>
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.file.replace'"/></xsl:call-template>
          </p>
        </xsl:if>
        <xsl:variable name="fdesc">
          <xsl:value-of select="$desc"/>
          <xsl:if test="$val != ''"><xsl:value-of select="concat(' ', $id, '-kept')"/></xsl:if>
        </xsl:variable>
        <input type="file">
          <xsl:call-template name="control-attrs">
            <xsl:with-param name="id" select="$id"/>
            <xsl:with-param name="desc" select="normalize-space($fdesc)"/>
            <xsl:with-param name="errs" select="$errs"/>
            <xsl:with-param name="k" select="$k"/>
          </xsl:call-template>
          <xsl:attribute name="accept">
            <xsl:variable name="acc" select="concat(' ', normalize-space(@accept), ' ')"/>
            <xsl:variable name="all" select="not(@accept)"/>
            <xsl:variable name="list">
              <xsl:if test="$all or contains($acc, ' pdf ')">,application/pdf,.pdf</xsl:if>
              <xsl:if test="$all or contains($acc, ' jpeg ')">,image/jpeg,.jpg,.jpeg</xsl:if>
              <xsl:if test="$all or contains($acc, ' png ')">,image/png,.png</xsl:if>
            </xsl:variable>
            <xsl:value-of select="substring($list, 2)"/>
          </xsl:attribute>
        </input>
      </xsl:when>
      <xsl:when test="@type = 'select'">
        <select>
          <xsl:call-template name="control-attrs">
            <xsl:with-param name="id" select="$id"/>
            <xsl:with-param name="desc" select="$desc"/>
            <xsl:with-param name="errs" select="$errs"/>
            <xsl:with-param name="k" select="$k"/>
          </xsl:call-template>
          <xsl:call-template name="autocomplete-attr"/>
          <option value=""><xsl:call-template name="msg"><xsl:with-param name="key" select="'form.choose'"/></xsl:call-template></option>
          <xsl:for-each select="option">
            <option value="{@value}">
              <xsl:if test="@value = $val"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
              <xsl:call-template name="t">
                <xsl:with-param name="of" select="label"/>
                <xsl:with-param name="inline" select="false()"/>
              </xsl:call-template>
            </option>
          </xsl:for-each>
        </select>
      </xsl:when>
      <xsl:otherwise>
        <input>
          <!--
            Numbers are text with a numeric keyboard (as GOV.UK does): a
            number input turns "3,5" into nothing. A date or time sent back
            in a shape the browser's picker cannot show is text, so that the
            citizen sees what they typed.
          -->
          <xsl:variable name="shape" select="translate($val, '0123456789', 'dddddddddd')"/>
          <xsl:attribute name="type">
            <xsl:choose>
              <xsl:when test="@type = 'email' or @type = 'tel'"><xsl:value-of select="@type"/></xsl:when>
              <xsl:when test="@type = 'date' and ($val = '' or $shape = 'dddd-dd-dd')">date</xsl:when>
              <xsl:when test="@type = 'time' and ($val = '' or $shape = 'dd:dd')">time</xsl:when>
              <xsl:otherwise>text</xsl:otherwise>
            </xsl:choose>
          </xsl:attribute>
          <xsl:attribute name="value">
            <xsl:choose>
              <!-- A stored amount "1234.50" is shown as a German writes it. -->
              <xsl:when test="@type = 'money' and $lang = 'de' and translate($val, '0123456789', '') = '.'
                              and string-length(substring-after($val, '.')) = 2">
                <xsl:value-of select="translate($val, '.', ',')"/>
              </xsl:when>
              <xsl:otherwise><xsl:value-of select="$val"/></xsl:otherwise>
            </xsl:choose>
          </xsl:attribute>
          <xsl:call-template name="control-attrs">
            <xsl:with-param name="id" select="$id"/>
            <xsl:with-param name="desc" select="$desc"/>
            <xsl:with-param name="errs" select="$errs"/>
            <xsl:with-param name="k" select="$k"/>
          </xsl:call-template>
          <xsl:choose>
            <xsl:when test="@type = 'email'">
              <xsl:attribute name="autocomplete">email</xsl:attribute>
              <xsl:attribute name="spellcheck">false</xsl:attribute>
              <xsl:call-template name="length-attrs"/>
            </xsl:when>
            <xsl:when test="@type = 'tel'">
              <xsl:attribute name="autocomplete">tel</xsl:attribute>
              <xsl:call-template name="length-attrs"/>
            </xsl:when>
            <xsl:when test="@type = 'date' and ($val = '' or $shape = 'dddd-dd-dd')">
              <xsl:call-template name="bound-attrs"><xsl:with-param name="shape" select="'dddd-dd-dd'"/></xsl:call-template>
            </xsl:when>
            <xsl:when test="@type = 'time' and ($val = '' or $shape = 'dd:dd')">
              <xsl:call-template name="bound-attrs"><xsl:with-param name="shape" select="'dd:dd'"/></xsl:call-template>
            </xsl:when>
            <xsl:when test="@type = 'postcode'">
              <xsl:attribute name="inputmode">numeric</xsl:attribute>
              <xsl:attribute name="autocomplete">postal-code</xsl:attribute>
              <xsl:attribute name="maxlength">5</xsl:attribute>
              <xsl:attribute name="size">6</xsl:attribute>
            </xsl:when>
            <xsl:when test="@type = 'iban'">
              <xsl:attribute name="autocomplete">off</xsl:attribute>
              <xsl:attribute name="spellcheck">false</xsl:attribute>
              <xsl:attribute name="maxlength">42</xsl:attribute>
            </xsl:when>
            <xsl:when test="@type = 'number'">
              <xsl:attribute name="inputmode">numeric</xsl:attribute>
              <xsl:attribute name="spellcheck">false</xsl:attribute>
            </xsl:when>
            <xsl:when test="@type = 'money'">
              <xsl:attribute name="inputmode">decimal</xsl:attribute>
              <xsl:attribute name="autocomplete">off</xsl:attribute>
              <xsl:attribute name="spellcheck">false</xsl:attribute>
            </xsl:when>
            <xsl:otherwise>
              <xsl:call-template name="length-attrs"/>
            </xsl:otherwise>
          </xsl:choose>
          <!-- Last: the field's declared purpose wins over the type's. -->
          <xsl:call-template name="autocomplete-attr"/>
        </input>
        <xsl:if test="@type = 'money'">
          <!-- Visible after the input, and read out with it (aria-describedby). -->
          <xsl:text> </xsl:text>
          <span class="unit" id="{$id}-unit">
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.money.unit'"/></xsl:call-template>
          </span>
        </xsl:if>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
