from django.contrib import admin

admin.site.site_header = "누리 관리"
admin.site.site_title = "누리 관리"
admin.site.index_title = "서울 사회적경제 장터 운영"
